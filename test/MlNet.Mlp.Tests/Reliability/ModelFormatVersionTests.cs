using System.Buffers.Binary;
using Microsoft.ML;
using Xunit;

namespace MlNet.Mlp.Tests.Reliability;

public class ModelFormatVersionTests
{
    private const uint FirstVersion = 0x00010001;
    private const uint CurrentVersion = 0x00010003;
    private const uint NewerVersion = 0x00020001;

    private static readonly MLContext Ml = new(seed: 1);
    private static readonly Lazy<IReadOnlyList<SavedModel>> Models = new(() => SavedModels.All(Ml));

    public static TheoryData<int> ModelIndices => new() { 0, 1, 2, 3, 4, 5, 6 };

    // The older formats have no ensemble section: only the models of one network without an input stage have them.
    public static TheoryData<int> ModelsWithAnOlderForm => new() { 0, 1, 2, 3, 4, 5 };

    [Theory]
    [MemberData(nameof(ModelIndices))]
    public void A_model_readable_only_by_a_newer_format_version_is_rejected_naming_both_versions(int index)
    {
        SavedModel model = Models.Value[index];
        byte[] zip = WithStream(model, stream => WithVersions(stream, written: NewerVersion, readable: NewerVersion));
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
        byte[] zip = WithStream(model, stream => WithVersions(stream, written: NewerVersion, readable: CurrentVersion));
        Assert.Equal(Scores(model, model.Zip), Scores(model, zip));
    }

    [Theory]
    [MemberData(nameof(ModelsWithAnOlderForm))]
    public void A_model_of_the_first_format_without_a_checksum_still_loads_and_scores_the_same(int index)
    {
        SavedModel model = Models.Value[index];
        byte[] zip = WithStream(model, ModelHeader.AsFirstFormat);
        Assert.Equal(Scores(model, model.Zip), Scores(model, zip));
    }

    [Theory]
    [MemberData(nameof(ModelsWithAnOlderForm))]
    public void A_model_of_the_second_format_with_a_checksum_but_no_ensemble_section_still_loads_and_scores_the_same(int index)
    {
        SavedModel model = Models.Value[index];
        byte[] zip = WithStream(model, ModelHeader.AsSecondFormat);
        Assert.Equal(Scores(model, model.Zip), Scores(model, zip));
    }

    [Theory]
    [MemberData(nameof(ModelIndices))]
    public void A_changed_parameter_is_caught_by_the_checksum(int index)
    {
        // A parameter changed in its last mantissa bit is a valid value that no field check can catch.
        SavedModel model = Models.Value[index];
        byte[] zip = WithStream(model, stream =>
        {
            Field parameter = ModelLayout.Fields(stream, model.Signature).First(f => f.Kind == FieldKind.Single);
            stream[parameter.Offset] ^= 1;
            return stream;
        });
        var error = Assert.ThrowsAny<Exception>(() => Ml.Model.Load(new MemoryStream(zip), out _));
        Assert.Contains("Corrupt model file: the model's checksum does not match", Flatten(error));
    }

    [Theory]
    [MemberData(nameof(ModelIndices))]
    public void A_current_file_whose_header_claims_the_first_format_is_rejected(int index)
    {
        // Damage to the header's version must not skip the checksum silently: the unread checksum is noticed.
        SavedModel model = Models.Value[index];
        byte[] zip = WithStream(model, stream => WithVersions(stream, written: FirstVersion, readable: FirstVersion));
        var error = Assert.ThrowsAny<Exception>(() => Ml.Model.Load(new MemoryStream(zip), out _));
        Assert.Contains("Corrupt model file:", Flatten(error));
    }

    private static byte[] WithStream(SavedModel model, Func<byte[], byte[]> change)
    {
        string entry = SavedModels.FindEntry(model.Zip, model.Signature);
        byte[] stream = SavedModels.ReadEntry(model.Zip, entry);
        Assert.Equal(CurrentVersion, BinaryPrimitives.ReadUInt32LittleEndian(stream.AsSpan(ModelHeader.ModelVerWritten)));
        return SavedModels.WithEntry(model.Zip, entry, change(stream));
    }

    private static byte[] WithVersions(byte[] stream, uint written, uint readable)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(stream.AsSpan(ModelHeader.ModelVerWritten), written);
        BinaryPrimitives.WriteUInt32LittleEndian(stream.AsSpan(ModelHeader.ModelVerReadable), readable);
        return stream;
    }

    private static float[] Scores(SavedModel model, byte[] zip)
    {
        ITransformer loaded = Ml.Model.Load(new MemoryStream(zip), out _);
        return EachTrainer.Scores(loaded.Transform(model.ScoringRows));
    }

    /// <summary>The messages of the exception and all it wraps: ML.NET wraps a loader's exception in its own.</summary>
    private static string Flatten(Exception e) => e.InnerException is { } inner ? e.Message + " | " + Flatten(inner) : e.Message;
}
