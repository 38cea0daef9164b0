using System.Buffers.Binary;
using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;

namespace MlNet.Mlp.Tests.Reliability;

/// <summary>
/// A loaded model never gives a non-finite Score or Probability for finite features. The worst case is the one an
/// independent fuzz found: a first-format file (no checksum) whose damaged weights are finite but huge, scored on
/// large features, so that the float sums of the first layer overflow to ±∞ and meet as ∞ − ∞.
/// </summary>
public class FiniteScoreTests
{
    private const float Huge = 3e38f;
    private static readonly MLContext Ml = new(seed: 1);
    private static readonly Lazy<IReadOnlyList<SavedModel>> Models = new(() => SavedModels.All(Ml));

    public static TheoryData<int> ModelIndices => new() { 0, 1, 2, 3 };

    [Theory]
    [MemberData(nameof(ModelIndices))]
    public void A_first_format_file_with_huge_weights_scores_huge_features_finitely(int index)
    {
        SavedModel model = Models.Value[index];
        string entry = SavedModels.FindEntry(model.Zip, model.Signature);
        byte[] current = SavedModels.ReadEntry(model.Zip, entry);
        // Every parameter (weights, biases, label mean and scale) becomes +3e38; the first format has no checksum to object.
        foreach (Field field in ModelLayout.Fields(current, model.Signature).Where(f => f.Kind == FieldKind.Single))
            BinaryPrimitives.WriteSingleLittleEndian(current.AsSpan((int)field.Offset), Huge);
        byte[] stream = ModelHeader.AsFirstFormat(current);
        ITransformer loaded = Ml.Model.Load(new MemoryStream(SavedModels.WithEntry(model.Zip, entry, stream)), out _);

        float[][] rows = [[1e30f, -1e30f, 1e30f, -1e30f], [1e30f, 1e30f, 1e30f, 1e30f], [-Huge, -Huge, 0f, Huge]];
        IDataView scored = loaded.Transform(RowsLike(model, rows));
        float[] scores = EachTrainer.Scores(scored);
        Assert.All(scores, score => Assert.True(float.IsFinite(score), $"{model.Name}: score {score}"));
        if (scored.Schema.GetColumnOrNull("Probability") is not null)
            Assert.All(scored.GetColumn<float>("Probability"), p => Assert.InRange(p, 0f, 1f));
    }

    private static IDataView RowsLike(SavedModel model, float[][] rows) => model.Signature switch
    {
        "MLPMULTI" => Ml.Data.LoadFromEnumerable(rows.Select(f => new SavedModels.KeyRow { Features = f, Label = 1 })),
        "MLPREGRS" => Ml.Data.LoadFromEnumerable(rows.Select(f => new SavedModels.RegressionRow { Features = f })),
        _ => Ml.Data.LoadFromEnumerable(rows.Select(f => new SavedModels.BinaryRow { Features = f })),
    };
}
