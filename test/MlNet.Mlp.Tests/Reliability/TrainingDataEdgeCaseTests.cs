using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;

namespace MlNet.Mlp.Tests.Reliability;

/// <summary>
/// Awkward training and scoring data, run against every trainer. Each case states its expected outcome: a clear
/// error, or a model with finite parameters and scores (with what the log must say).
/// </summary>
public class TrainingDataEdgeCaseTests
{
    public static TheoryData<TrainerKind> AllTrainers => new(EachTrainer.All);

    public static TheoryData<TrainerKind> MlpTrainers => new(TrainerKind.MlpBinary, TrainerKind.MlpMulticlass, TrainerKind.MlpRegression);

    public static TheoryData<TrainerKind> BinaryTrainers => new(TrainerKind.Perceptron, TrainerKind.MlpBinary);

    [Theory]
    [MemberData(nameof(AllTrainers))]
    public void All_rows_with_NaN_features_give_a_clear_error(TrainerKind kind)
    {
        var ml = new MLContext(seed: 1);
        var rows = EachTrainer.Separable(10, seed: 1).Select(r => (new[] { float.NaN, r.Features[1] }, r.Label));
        var error = Assert.ThrowsAny<InvalidOperationException>(() => EachTrainer.Create(ml, kind).Fit(EachTrainer.Data(ml, kind, rows)));
        Assert.Contains("No valid training rows", error.Message);
        Assert.Contains("10 rows with NaN or infinite values in feature column 'Features'", error.Message);
    }

    [Theory]
    [MemberData(nameof(AllTrainers))]
    public void Rows_with_NaN_or_infinite_features_are_skipped_and_counted_in_the_log(TrainerKind kind)
    {
        var ml = new MLContext(seed: 1);
        List<string> log = Infrastructure.LogCapture.Start(ml);
        var rows = EachTrainer.Separable(40, seed: 2);
        rows[3] = ([float.NaN, 0.5f], 1f);
        rows[7] = ([float.PositiveInfinity, 0.5f], 1f);
        rows[9] = ([0.5f, float.NegativeInfinity], -1f);
        ITransformer model = EachTrainer.Create(ml, kind).Fit(EachTrainer.Data(ml, kind, rows));
        AssertFinite(model, EachTrainer.Data(ml, kind, EachTrainer.Separable(5, seed: 3)));
        Assert.Contains(log, m => m.Contains("Skipped 3 rows with NaN or infinite values in feature column 'Features'")
            && m.Contains("trained on 37 rows"));
    }

    [Theory]
    [MemberData(nameof(AllTrainers))]
    public void Sparse_rows_storing_NaN_or_infinite_features_are_skipped_and_counted_in_the_log(TrainerKind kind)
    {
        var ml = new MLContext(seed: 1);
        List<string> log = Infrastructure.LogCapture.Start(ml);
        var rows = EachTrainer.Separable(40, seed: 2);
        // Only stored values are tested in a sparse row, and its implicit zeros must not count against it.
        rows[4] = ([0f, float.NaN], 1f);
        rows[8] = ([float.NegativeInfinity, 0f], -1f);
        rows[12] = ([0f, 0f], 1f);
        ITransformer model = EachTrainer.Create(ml, kind).Fit(new Infrastructure.SparseFeaturesView(EachTrainer.Data(ml, kind, rows)));
        AssertFinite(model, EachTrainer.Data(ml, kind, EachTrainer.Separable(5, seed: 3)));
        Assert.Contains(log, m => m.Contains("Skipped 2 rows with NaN or infinite values in feature column 'Features'")
            && m.Contains("trained on 38 rows"));
    }

    [Theory]
    [MemberData(nameof(AllTrainers))]
    public void A_view_that_does_not_know_its_row_count_trains_the_same_model(TrainerKind kind)
    {
        var ml = new MLContext(seed: 1);
        var rows = EachTrainer.Separable(60, seed: 8);
        // Skipped rows leave the arrays sized by the counted rows longer than the rows trained on.
        rows[5] = ([float.NaN, 0.5f], 1f);
        rows[40] = ([0.5f, float.PositiveInfinity], -1f);
        IDataView data = EachTrainer.Data(ml, kind, rows);
        Assert.NotNull(data.GetRowCount());
        float[] known = EachTrainer.Parameters(EachTrainer.Create(ml, kind).Fit(data));
        float[] unknown = EachTrainer.Parameters(EachTrainer.Create(ml, kind).Fit(new RowCountHidden(data)));
        Assert.Equal(known, unknown);
    }

    /// <summary>A view that answers null to GetRowCount, as streaming sources do.</summary>
    private sealed class RowCountHidden(IDataView inner) : IDataView
    {
        public bool CanShuffle => inner.CanShuffle;

        public DataViewSchema Schema => inner.Schema;

        public long? GetRowCount() => null;

        public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) =>
            inner.GetRowCursor(columnsNeeded, rand);

        public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
            inner.GetRowCursorSet(columnsNeeded, n, rand);
    }

    [Theory]
    [MemberData(nameof(AllTrainers))]
    public void Features_of_1e30_train_to_finite_weights_or_throw_the_divergence_error(TrainerKind kind)
    {
        var ml = new MLContext(seed: 1);
        var rows = EachTrainer.Separable(40, seed: 4).Select(r => (r.Features.Select(x => x * 1e30f).ToArray(), r.Label));
        IDataView data = EachTrainer.Data(ml, kind, rows);
        ITransformer model;
        try
        {
            model = EachTrainer.Create(ml, kind).Fit(data);
        }
        catch (InvalidOperationException e)
        {
            // Never a NaN model: the only acceptable failure is the divergence error, telling what to do.
            Assert.Matches("diverged|NaN or infinite", e.Message);
            Assert.Matches("[Nn]ormalise|scaled", e.Message);
            return;
        }
        Assert.All(EachTrainer.Parameters(model), p => Assert.True(float.IsFinite(p), $"parameter {p}"));
    }

    [Theory]
    [MemberData(nameof(AllTrainers))]
    public void Constant_features_train_to_finite_weights_and_scores(TrainerKind kind)
    {
        var ml = new MLContext(seed: 1);
        var rows = EachTrainer.Separable(40, seed: 5).Select(r => (new[] { 3f, -1f }, r.Label));
        ITransformer model = EachTrainer.Create(ml, kind).Fit(EachTrainer.Data(ml, kind, rows));
        AssertFinite(model, EachTrainer.Data(ml, kind, EachTrainer.Separable(5, seed: 3)));
    }

    [Theory]
    [MemberData(nameof(AllTrainers))]
    public void A_single_training_row_trains(TrainerKind kind)
    {
        var ml = new MLContext(seed: 1);
        ITransformer model = EachTrainer.Create(ml, kind).Fit(EachTrainer.Data(ml, kind, [([0.5f, -0.25f], 1f)]));
        AssertFinite(model, EachTrainer.Data(ml, kind, EachTrainer.Separable(5, seed: 3)));
    }

    [Theory]
    [MemberData(nameof(BinaryTrainers))]
    public void A_binary_label_with_a_single_class_trains_with_a_warning_naming_the_class(TrainerKind kind)
    {
        // Documented choice: a warning, not an error, so that e.g. a cross-validation fold that happens to hold one
        // class still runs; the model then predicts that class, which the warning says.
        var ml = new MLContext(seed: 1);
        List<string> log = Infrastructure.LogCapture.Start(ml);
        var rows = EachTrainer.Separable(30, seed: 6).Select(r => (r.Features, 1f));
        ITransformer model = EachTrainer.Create(ml, kind).Fit(EachTrainer.Data(ml, kind, rows));
        AssertFinite(model, EachTrainer.Data(ml, kind, EachTrainer.Separable(5, seed: 3)));
        Assert.Contains(log, m => m.Contains("Label column 'Label' holds only one class (true)"));
    }

    [Theory]
    [MemberData(nameof(BinaryTrainers))]
    public void A_binary_label_with_both_classes_gives_no_single_class_warning(TrainerKind kind)
    {
        var ml = new MLContext(seed: 1);
        List<string> log = Infrastructure.LogCapture.Start(ml);
        EachTrainer.Create(ml, kind).Fit(EachTrainer.Data(ml, kind, EachTrainer.Separable(30, seed: 6)));
        Assert.DoesNotContain(log, m => m.Contains("only one class"));
    }

    [Theory]
    [MemberData(nameof(AllTrainers))]
    public void A_feature_vector_of_another_size_at_scoring_time_gives_a_clear_error(TrainerKind kind)
    {
        var ml = new MLContext(seed: 1);
        ITransformer model = EachTrainer.Create(ml, kind).Fit(EachTrainer.Data(ml, kind, EachTrainer.Separable(20, seed: 7)));
        IDataView wider = ml.Data.LoadFromEnumerable(new[] { new WideRow { Features = [1, 2, 3] } });
        // Caught when the schema is checked, before any row is read.
        var error = Assert.ThrowsAny<ArgumentException>(() => model.GetOutputSchema(wider.Schema));
        Assert.Contains("feature column 'Features': expected Vector<Single, 2>, got Vector<Single, 3>", error.Message);
        // Transform checks the same; ML.NET's transformers report it as ArgumentException or InvalidOperationException.
        var atTransform = Assert.ThrowsAny<Exception>(() => model.Transform(wider));
        Assert.True(atTransform is ArgumentException or InvalidOperationException, atTransform.ToString());
        Assert.Contains("features", atTransform.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Vector<Single, 3>", atTransform.Message);
    }

    private sealed class WideRow
    {
        [VectorType(3)] public float[] Features { get; set; } = [];
    }

    [Fact]
    public void A_multiclass_label_value_unseen_in_training_scores_normally()
    {
        // Scoring never reads the label, but the pipeline maps it: a value the key mapping has not seen becomes the
        // missing key, and the row is scored among the trained classes.
        var ml = new MLContext(seed: 1);
        var train = ml.Data.LoadFromEnumerable(EachTrainer.Separable(30, seed: 8)
            .Select(r => new NamedRow { Features = r.Features, Species = r.Label > 0 ? "a" : "b" }).ToList());
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label", "Species")
            .Append(ml.MulticlassClassification.Trainers.Mlp(new MlpMulticlassTrainer.Options { HiddenLayerSizes = [4], Seed = 1, NumberOfIterations = 10 }))
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedSpecies", "PredictedLabel"));
        ITransformer model = pipeline.Fit(train);
        var test = ml.Data.LoadFromEnumerable(new[]
        {
            new NamedRow { Features = [0.5f, 0.5f], Species = "unseen" }, new NamedRow { Features = [-0.5f, -0.5f], Species = "a" },
        });
        IDataView scored = model.Transform(test);
        Assert.All(EachTrainer.Scores(scored), s => Assert.True(float.IsFinite(s)));
        Assert.Equal(0u, scored.GetColumn<uint>("Label").First());
        Assert.All(scored.GetColumn<string>("PredictedSpecies"), p => Assert.Contains(p, new[] { "a", "b" }));
    }

    private sealed class NamedRow
    {
        [VectorType(EachTrainer.FeatureCount)] public float[] Features { get; set; } = [];
        public string Species { get; set; } = "";
    }

    [Theory]
    [MemberData(nameof(MlpTrainers))]
    public void A_hidden_layer_of_a_billion_units_is_refused_at_construction(TrainerKind kind)
    {
        var ml = new MLContext(seed: 1);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => CreateWithHiddenLayer(ml, kind, 1_000_000_000));
        Assert.Equal("HiddenLayerSizes", error.ParamName);
        Assert.Contains("1000000000", error.Message);
    }

    private static object CreateWithHiddenLayer(MLContext ml, TrainerKind kind, int units) => kind switch
    {
        TrainerKind.MlpBinary => ml.BinaryClassification.Trainers.Mlp(hiddenLayerSizes: [units]),
        TrainerKind.MlpMulticlass => ml.MulticlassClassification.Trainers.Mlp(hiddenLayerSizes: [units]),
        _ => ml.Regression.Trainers.Mlp(hiddenLayerSizes: [units]),
    };

    [Theory]
    [MemberData(nameof(AllTrainers))]
    public void A_batch_larger_than_the_data_trains_as_full_batch(TrainerKind kind)
    {
        var ml = new MLContext(seed: 1);
        IDataView data = EachTrainer.Data(ml, kind, EachTrainer.Separable(25, seed: 9));
        ITransformer huge = EachTrainer.Create(ml, kind, batchSize: 1_000_000).Fit(data);
        // Full batch means exactly the result of a batch of all 25 rows.
        ITransformer full = EachTrainer.Create(ml, kind, batchSize: kind == TrainerKind.Perceptron ? 0 : 25).Fit(data);
        Assert.Equal(EachTrainer.Parameters(full), EachTrainer.Parameters(huge));
        AssertFinite(huge, data);
    }

    private static void AssertFinite(ITransformer model, IDataView scoringData)
    {
        Assert.All(EachTrainer.Parameters(model), p => Assert.True(float.IsFinite(p), $"parameter {p}"));
        Assert.All(EachTrainer.Scores(model.Transform(scoringData)), s => Assert.True(float.IsFinite(s), $"score {s}"));
    }
}
