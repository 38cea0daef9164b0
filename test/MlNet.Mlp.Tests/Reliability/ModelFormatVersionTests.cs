using System.Buffers.Binary;
using Microsoft.ML;
using Xunit;

namespace MlNet.Mlp.Tests.Reliability;

public class ModelFormatVersionTests
{
    private const uint CurrentVersion = 0x00010001;
    private const uint NewerVersion = 0x00020001;

    private static readonly MLContext Ml = new(seed: 1);
    private static readonly Lazy<IReadOnlyList<SavedModel>> Models = new(() => SavedModels.All(Ml));

    public static TheoryData<int> ModelIndices => new() { 0, 1, 2, 3, 4, 5 };

    [Theory]
    [MemberData(nameof(ModelIndices))]
    public void A_model_readable_only_by_a_newer_format_version_is_rejected_naming_both_versions(int index)
    {
        SavedModel model = Models.Value[index];
        byte[] zip = WithVersions(model, written: NewerVersion, readable: NewerVersion);
        var error = Assert.ThrowsAny<Exception>(() => Ml.Model.Load(new MemoryStream(zip), out _));
        string message = Flatten(error);
        Assert.Contains("newer", message);
        Assert.Contains($"0x{NewerVersion:X8}", message);
        Assert.Contains($"0x{CurrentVersion:X8}", message);
        Assert.Contains("MlNet.Mlp", message);
    }

    [Theory]
    [MemberData(nameof(ModelIndices))]
    public void A_model_written_by_a_newer_version_that_stays_readable_by_ours_loads(int index)
    {
        // Version rules as in ML.NET: a newer writer that declares our version still able to read it must load.
        SavedModel model = Models.Value[index];
        byte[] zip = WithVersions(model, written: NewerVersion, readable: CurrentVersion);
        ITransformer loaded = Ml.Model.Load(new MemoryStream(zip), out _);
        Assert.Equal("Score", loaded.Transform(model.ScoringRows).Schema["Score"].Name);
    }

    private static byte[] WithVersions(SavedModel model, uint written, uint readable)
    {
        string entry = SavedModels.FindEntry(model.Zip, model.Signature);
        byte[] stream = SavedModels.ReadEntry(model.Zip, entry);
        Assert.Equal(CurrentVersion, BinaryPrimitives.ReadUInt32LittleEndian(stream.AsSpan(ModelHeader.ModelVerWritten)));
        BinaryPrimitives.WriteUInt32LittleEndian(stream.AsSpan(ModelHeader.ModelVerWritten), written);
        BinaryPrimitives.WriteUInt32LittleEndian(stream.AsSpan(ModelHeader.ModelVerReadable), readable);
        return SavedModels.WithEntry(model.Zip, entry, stream);
    }

    /// <summary>The messages of the exception and all it wraps: ML.NET wraps a loader's exception in its own.</summary>
    private static string Flatten(Exception e) => e.InnerException is { } inner ? e.Message + " | " + Flatten(inner) : e.Message;
}
