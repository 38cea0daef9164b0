using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;

namespace MlNet.Mlp.Tests.MultiOutput;

/// <summary>The bad-input table for both multi-output trainers.</summary>
public class MultiOutputInputErrorTests
{
    private sealed class ScalarLabelRow
    {
        public float Label { get; set; }
        [VectorType(3)] public float[] Features { get; set; } = [];
    }

    private sealed class VariableLabelRow
    {
        public float[] Label { get; set; } = [];
        [VectorType(3)] public float[] Features { get; set; } = [];
    }

    private sealed class TwoLabelRow
    {
        [VectorType(2)] public float[] Label { get; set; } = [];
        [VectorType(3)] public float[] Features { get; set; } = [];
    }

    private sealed class TwoBooleanLabelRow
    {
        [VectorType(2)] public bool[] Label { get; set; } = [];
        [VectorType(3)] public float[] Features { get; set; } = [];
    }

    private static MlpMultiOutputRegressionTrainer Regression(MLContext ml) =>
        ml.Regression.Trainers.MlpMultiOutput(new MlpMultiOutputRegressionTrainer.Options { HiddenLayerSizes = [4], NumberOfIterations = 3, Seed = 1 });

    private static MlpMultiLabelTrainer MultiLabel(MLContext ml) =>
        ml.BinaryClassification.Trainers.MlpMultiLabel(new MlpMultiLabelTrainer.Options { HiddenLayerSizes = [4], NumberOfIterations = 3, Seed = 1 });

    // What an estimator chain passes to GetOutputSchema; ML.NET keeps SchemaShape.Create internal.
    private static SchemaShape ShapeOf(DataViewSchema schema) =>
        (SchemaShape)typeof(SchemaShape).GetMethod("Create", BindingFlags.NonPublic | BindingFlags.Static, [typeof(DataViewSchema)])!.Invoke(null, [schema])!;

    [Fact]
    public void Rows_with_a_NaN_or_infinite_feature_or_a_NaN_label_entry_are_skipped_and_counted_in_the_log()
    {
        var ml = new MLContext(seed: 1);
        List<string> log = Infrastructure.LogCapture.Start(ml);
        var rows = MultiOutputData.KnownStructure(40, seed: 1);
        rows[3].Features[1] = float.NaN;
        rows[5].Features[0] = float.PositiveInfinity;
        rows[7].Label[2] = float.NaN;
        rows[9].Label[0] = float.NaN;
        var model = Regression(ml).Fit(MultiOutputData.Load(ml, rows));
        Assert.All(model.Model.Weights.SelectMany(w => w), w => Assert.True(float.IsFinite(w)));
        Assert.Contains(log, m => m.Contains("Skipped 2 rows with NaN or infinite values in feature column 'Features', " +
            "2 rows with a missing value in label column 'Label' during training; trained on 36 rows."));
        Assert.All(model.Model.LabelMeans, mean => Assert.True(float.IsFinite(mean)));
    }

    [Fact]
    public void A_scalar_label_fails_at_Fit_and_at_GetOutputSchema_naming_the_column()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = ml.Data.LoadFromEnumerable(new[] { new ScalarLabelRow { Label = 1, Features = [1, 2, 3] } });
        foreach (IEstimator<ITransformer> trainer in new IEstimator<ITransformer>[] { Regression(ml), MultiLabel(ml) })
        {
            var atFit = Assert.ThrowsAny<ArgumentOutOfRangeException>(() => trainer.Fit(data));
            Assert.Contains("'Label'", atFit.Message);
            Assert.Contains("known-size vector", atFit.Message);
            var atSchema = Assert.ThrowsAny<ArgumentOutOfRangeException>(() => trainer.GetOutputSchema(ShapeOf(data.Schema)));
            Assert.Contains("'Label'", atSchema.Message);
        }
    }

    [Fact]
    public void A_label_vector_of_the_wrong_item_type_fails_naming_the_column_and_the_type_wanted()
    {
        var ml = new MLContext(seed: 1);
        IDataView singles = ml.Data.LoadFromEnumerable(new[] { new TwoLabelRow { Label = [1, 0], Features = [1, 2, 3] } });
        IDataView booleans = ml.Data.LoadFromEnumerable(new[] { new TwoBooleanLabelRow { Label = [true, false], Features = [1, 2, 3] } });
        var multiLabel = Assert.ThrowsAny<ArgumentOutOfRangeException>(() => MultiLabel(ml).Fit(singles));
        Assert.Contains("'Label'", multiLabel.Message);
        Assert.Contains("Boolean", multiLabel.Message);
        var regression = Assert.ThrowsAny<ArgumentOutOfRangeException>(() => Regression(ml).GetOutputSchema(ShapeOf(booleans.Schema)));
        Assert.Contains("'Label'", regression.Message);
        Assert.Contains("Single", regression.Message);
    }

    [Fact]
    public void A_label_of_unknown_size_or_size_0_fails_naming_the_column()
    {
        var ml = new MLContext(seed: 1);
        IDataView variable = ml.Data.LoadFromEnumerable(new[] { new VariableLabelRow { Label = [1, 2], Features = [1, 2, 3] } });
        var schema = SchemaDefinition.Create(typeof(VariableLabelRow));
        schema["Label"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, 0);
        IDataView sizeZero = ml.Data.LoadFromEnumerable(new[] { new VariableLabelRow { Label = [], Features = [1, 2, 3] } }, schema);
        foreach (IDataView data in new[] { variable, sizeZero })
        {
            var error = Assert.ThrowsAny<ArgumentOutOfRangeException>(() => Regression(ml).Fit(data));
            Assert.Contains("'Label'", error.Message);
            Assert.Contains("size ≥ 1", error.Message);
        }
    }

    [Fact]
    public void A_validation_set_whose_label_size_differs_fails_at_Fit_naming_the_column()
    {
        var ml = new MLContext(seed: 1);
        IDataView train = MultiOutputData.Load(ml, MultiOutputData.KnownStructure(40, seed: 2));
        IDataView validation = ml.Data.LoadFromEnumerable(new[] { new TwoLabelRow { Label = [1, 0], Features = [1, 2, 3] } });
        var error = Assert.ThrowsAny<ArgumentOutOfRangeException>(() => Regression(ml).Fit(train, validation));
        Assert.Contains("Label column 'Label' gives 2 outputs in the validation set but 3 in the training set", error.Message);

        IDataView labels = MultiOutputData.Load(ml, MultiOutputData.MultiLabel(40, seed: 3));
        IDataView labelValidation = ml.Data.LoadFromEnumerable(new[] { new TwoBooleanLabelRow { Label = [true, false], Features = [1, 2, 3] } });
        var labelError = Assert.ThrowsAny<ArgumentOutOfRangeException>(() => MultiLabel(ml).Fit(labels, labelValidation));
        Assert.Contains("'Label'", labelError.Message);
    }

    [Fact]
    public void A_multi_label_entry_that_is_constant_in_the_training_set_gives_a_warning_naming_the_entry()
    {
        var ml = new MLContext(seed: 1);
        List<string> log = Infrastructure.LogCapture.Start(ml);
        var rows = MultiOutputData.MultiLabel(60, seed: 4);
        foreach (var row in rows)
            row.Label[1] = true;
        var model = ml.BinaryClassification.Trainers.MlpMultiLabel(new MlpMultiLabelTrainer.Options
        {
            HiddenLayerSizes = [4], NumberOfIterations = 100, EarlyStopping = false, Seed = 1,
        }).Fit(MultiOutputData.Load(ml, rows));
        Assert.Contains(log, m => m.Contains("Label column 'Label' entry 1 is true in all 60 training rows"));
        Assert.DoesNotContain(log, m => m.Contains("entry 0 is") || m.Contains("entry 2 is"));
        Assert.All(model.Transform(MultiOutputData.Load(ml, rows)).GetColumn<bool[]>("PredictedLabel"), p => Assert.True(p[1]));
    }

    [Fact]
    public void Scoring_data_with_features_of_another_size_fails_naming_the_feature_column()
    {
        var ml = new MLContext(seed: 1);
        var model = Regression(ml).Fit(MultiOutputData.Load(ml, MultiOutputData.KnownStructure(40, seed: 5)));
        IDataView other = ml.Data.LoadFromEnumerable(new[] { new EachTrainerLikeRow { Features = [1, 2] } });
        var error = Assert.ThrowsAny<ArgumentOutOfRangeException>(() => model.Transform(other));
        Assert.Contains("Features", error.Message);
    }

    [Fact]
    public void Evaluating_columns_of_different_sizes_or_types_fails_naming_the_column()
    {
        var ml = new MLContext(seed: 1);
        var model = Regression(ml).Fit(MultiOutputData.Load(ml, MultiOutputData.KnownStructure(40, seed: 6)));
        IDataView scored = model.Transform(MultiOutputData.Load(ml, MultiOutputData.KnownStructure(10, seed: 7)));
        var missing = Assert.ThrowsAny<ArgumentOutOfRangeException>(() => ml.Regression.EvaluateMultiOutput(scored, scoreColumnName: "Prediction"));
        Assert.Contains("'Prediction'", missing.Message);
        var wrongType = Assert.ThrowsAny<ArgumentOutOfRangeException>(() => ml.BinaryClassification.EvaluateMultiLabel(scored, probabilityColumnName: "Score"));
        Assert.Contains("'Label'", wrongType.Message);
        IDataView mismatched = ml.Transforms.Concatenate("Wide", "Score", "Score").Fit(scored).Transform(scored);
        var size = Assert.ThrowsAny<ArgumentOutOfRangeException>(() => ml.Regression.EvaluateMultiOutput(mismatched, scoreColumnName: "Wide"));
        Assert.Contains("Score column 'Wide' has 6 values, but label column 'Label' has 3", size.Message);
    }

    private sealed class EachTrainerLikeRow
    {
        [VectorType(2)] public float[] Features { get; set; } = [];
    }
}
