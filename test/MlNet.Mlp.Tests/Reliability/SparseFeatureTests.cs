using Microsoft.ML;
using Microsoft.ML.Data;
using MlNet.Mlp.Tests.Infrastructure;
using Xunit;

namespace MlNet.Mlp.Tests.Reliability;

/// <summary>
/// ML.NET hands trainers and models sparse vectors whenever a transform produces them (OneHotEncoding,
/// FeaturizeText, ...). Every trainer must train, and every model score, exactly as on the same values stored densely.
/// </summary>
public class SparseFeatureTests
{
    public static TheoryData<TrainerKind> AllTrainers => new(EachTrainer.All);

    [Theory]
    [MemberData(nameof(AllTrainers))]
    public void Sparse_features_train_and_score_exactly_as_their_dense_copy(TrainerKind kind)
    {
        var ml = new MLContext(seed: 1);
        // A third of the rows have x₁ = 0, a third x₂ = 0: sparse buffers with 0, 1 or 2 stored values.
        var rows = EachTrainer.Separable(90, seed: 21).Select((r, i) =>
            (i % 3 == 0 ? [0f, r.Features[1]] : i % 3 == 1 ? new[] { r.Features[0], 0f } : r.Features, r.Label)).ToList();
        rows.Add(([0f, 0f], 1f));
        IDataView dense = EachTrainer.Data(ml, kind, rows);
        IDataView sparse = new SparseFeaturesView(dense);
        Assert.Contains(sparse.GetColumn<VBuffer<float>>("Features"), buffer => !buffer.IsDense);

        ITransformer fromDense = EachTrainer.Create(ml, kind).Fit(dense);
        ITransformer fromSparse = EachTrainer.Create(ml, kind).Fit(sparse);
        Assert.Equal(EachTrainer.Parameters(fromDense), EachTrainer.Parameters(fromSparse));

        float[] denseScores = EachTrainer.Scores(fromDense.Transform(dense));
        Assert.Equal(denseScores, EachTrainer.Scores(fromDense.Transform(sparse)));
        Assert.All(denseScores, score => Assert.True(float.IsFinite(score)));
    }

    [Fact]
    public void Wide_sparse_rows_score_through_the_sparse_first_layer_as_their_dense_copy_does()
    {
        var ml = new MLContext(seed: 1);
        var random = new Random(5);
        var rows = Enumerable.Range(0, 200).Select(_ =>
        {
            var x = new float[WideRow.Size];
            for (int k = 0; k < 5; k++)
                x[random.Next(WideRow.Size)] = (float)random.NextDouble();
            return new WideRow { Features = x, Label = x.AsSpan(0, 100).IndexOfAnyExcept(0f) >= 0, Class = random.Next(3) };
        }).ToList();
        IDataView dense = ml.Data.LoadFromEnumerable(rows);
        IDataView sparse = new SparseFeaturesView(dense);
        var binary = ml.BinaryClassification.Trainers.Mlp(new MlpBinaryTrainer.Options { HiddenLayerSizes = [8], NumberOfIterations = 5, Seed = 1 }).Fit(dense);
        var multiclass = ml.Transforms.Conversion.MapValueToKey("Label", "Class")
            .Append(ml.MulticlassClassification.Trainers.Mlp(new MlpMulticlassTrainer.Options { HiddenLayerSizes = [8], NumberOfIterations = 5, Seed = 1 }))
            .Fit(dense);
        foreach (ITransformer model in new ITransformer[] { binary, multiclass })
        {
            float[] expected = EachTrainer.Scores(model.Transform(dense));
            float[] actual = EachTrainer.Scores(model.Transform(sparse));
            Assert.Equal(expected.Length, actual.Length);
            for (int i = 0; i < expected.Length; i++)
                Assert.Equal(expected[i], actual[i], 1e-5f);
        }
        Assert.Equal(binary.Transform(dense).GetColumn<float>("Probability"), binary.Transform(sparse).GetColumn<float>("Probability"),
            new FloatTolerance(1e-6f));
    }

    [Fact]
    public void Rare_features_that_arrive_sparse_are_not_standardised_and_the_log_says_so()
    {
        MLContext ml = LoggedContext(out List<string> log);
        IDataView dense = ml.Data.LoadFromEnumerable(TextLikeRows(longRow: -1));
        MlpBinaryTrainer Trainer(bool standardize) => ml.BinaryClassification.Trainers.Mlp(new MlpBinaryTrainer.Options
        {
            HiddenLayerSizes = [6], NumberOfIterations = 4, EarlyStopping = false, Seed = 2, FeatureScaling = standardize ? MlpFeatureScaling.Standardize : MlpFeatureScaling.None,
        });

        float[] denseDefault = EachTrainer.Parameters(Trainer(standardize: true).Fit(dense));
        Assert.DoesNotContain(log, m => m.Contains("arrives sparse"));
        float[] sparseDefault = EachTrainer.Parameters(Trainer(standardize: true).Fit(new SparseFeaturesView(dense)));
        Assert.Contains(log, m => m.Contains("Feature column 'Features' arrives sparse: standardised only the 0 of its 400 features"));
        float[] sparseRaw = EachTrainer.Parameters(Trainer(standardize: false).Fit(new SparseFeaturesView(dense)));

        Assert.Equal(sparseRaw, sparseDefault);
        Assert.NotEqual(denseDefault, sparseDefault);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(75)]
    [InlineData(149)]
    public void Whether_features_arrive_sparse_does_not_depend_on_where_a_long_row_comes(int longRow)
    {
        MLContext ml = LoggedContext(out List<string> log);
        // One long row storing more than a tenth of its values among the short ones: a long review.
        IDataView sparse = new SparseFeaturesView(ml.Data.LoadFromEnumerable(TextLikeRows(longRow)));

        ml.BinaryClassification.Trainers.Mlp(new MlpBinaryTrainer.Options
        {
            HiddenLayerSizes = [6], NumberOfIterations = 2, EarlyStopping = false, Seed = 2, FeatureScaling = MlpFeatureScaling.Robust,
        }).Fit(sparse);

        Assert.Contains(log, m => m.Contains("FeatureScaling is Robust, but feature column 'Features' arrives sparse: standardising instead."));
        Assert.Contains(log, m => m.Contains("Feature column 'Features' arrives sparse: standardised only the 0 of its 400 features"));
    }

    [Fact]
    public void A_numeric_column_beside_sparse_codes_is_still_standardised()
    {
        MLContext ml = LoggedContext(out List<string> log);
        var random = new Random(9);
        var rows = Enumerable.Range(0, 150).Select(_ =>
        {
            var x = new float[WideRow.Size];
            x[0] = 50_000 + 20_000 * (float)random.NextDouble();   // an income-like column, never zero
            x[1 + random.Next(WideRow.Size - 1)] = 1;               // a one-hot code
            return new WideRow { Features = x, Label = x[0] > 60_000 };
        }).ToList();
        IDataView sparse = new SparseFeaturesView(ml.Data.LoadFromEnumerable(rows));
        var model = ml.BinaryClassification.Trainers.Mlp(new MlpBinaryTrainer.Options { HiddenLayerSizes = [6], NumberOfIterations = 30, Seed = 2 }).Fit(sparse);
        Assert.Contains(log, m => m.Contains("arrives sparse: standardised only the 1 of its 400 features"));
        Assert.True(ml.BinaryClassification.Evaluate(model.Transform(sparse)).Accuracy > 0.9);
    }

    private static MLContext LoggedContext(out List<string> log)
    {
        var ml = new MLContext(seed: 1);
        var messages = new List<string>();
        ml.Log += (_, e) => { lock (messages) messages.Add(e.Message); };
        log = messages;
        return ml;
    }

    /// <summary>150 text-like rows, four values of 1 among 400 (120 in row <paramref name="longRow"/>), labelled by the first 200.</summary>
    private static List<WideRow> TextLikeRows(int longRow)
    {
        var random = new Random(8);
        return Enumerable.Range(0, 150).Select(i =>
        {
            var x = new float[WideRow.Size];
            for (int k = 0; k < (i == longRow ? 120 : 4); k++)
                x[random.Next(WideRow.Size)] = 1;
            return new WideRow { Features = x, Label = x.AsSpan(0, 200).IndexOfAnyExcept(0f) >= 0 };
        }).ToList();
    }

    private sealed class FloatTolerance(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(float value) => 0;
    }

    private sealed class WideRow
    {
        public const int Size = 400;

        public bool Label { get; set; }

        public float Class { get; set; }

        [VectorType(Size)]
        public float[] Features { get; set; } = [];
    }
}
