using Microsoft.ML;
using Microsoft.ML.Data;
using MlNet.Mlp.Engine;
using MlNet.Mlp.Tests.Infrastructure;
using Xunit;

namespace MlNet.Mlp.Tests.Trainers;

public class MlpInputErrorTests
{
    private sealed class NumericLabelRow
    {
        public float Label { get; set; }

        [VectorType(2)]
        public float[] Features { get; set; } = [];
    }

    private sealed class BoolLabelRow
    {
        public bool Label { get; set; }

        [VectorType(2)]
        public float[] Features { get; set; } = [];
    }

    private sealed class WideRow
    {
        public bool Label { get; set; }

        [VectorType(3)]
        public float[] Features { get; set; } = [];
    }

    private sealed class ScalarFeatureRow
    {
        public bool Label { get; set; }
        public float Features { get; set; }
    }

    private static IDataView Numeric(MLContext ml, params (float Label, float X)[] rows) =>
        ml.Data.LoadFromEnumerable(rows.Select(r => new NumericLabelRow { Label = r.Label, Features = [r.X, -r.X] }).ToList());

    [Fact]
    public void Binary_label_must_be_Boolean()
    {
        var ml = new MLContext(seed: 1);
        var error = Assert.ThrowsAny<ArgumentOutOfRangeException>(() =>
            ml.BinaryClassification.Trainers.Mlp().Fit(Numeric(ml, (1, 1), (0, 2))));
        Assert.Contains("'Label'", error.Message);
        Assert.Contains("Boolean", error.Message);
    }

    [Fact]
    public void Multiclass_label_must_be_a_key_and_the_error_suggests_MapValueToKey()
    {
        var ml = new MLContext(seed: 1);
        var error = Assert.ThrowsAny<ArgumentOutOfRangeException>(() =>
            ml.MulticlassClassification.Trainers.Mlp().Fit(Numeric(ml, (1, 1), (0, 2))));
        Assert.Contains("'Label'", error.Message);
        Assert.Contains("MapValueToKey", error.Message);
    }

    [Fact]
    public void Regression_label_must_be_Single()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = ml.Data.LoadFromEnumerable(new[] { new BoolLabelRow { Label = true, Features = [1, 2] } });
        var error = Assert.ThrowsAny<ArgumentOutOfRangeException>(() => ml.Regression.Trainers.Mlp().Fit(data));
        Assert.Contains("'Label'", error.Message);
        Assert.Contains("Single", error.Message);
    }

    [Fact]
    public void Missing_label_and_feature_columns_are_named()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = TestData.Xor(ml);
        var label = Assert.ThrowsAny<ArgumentOutOfRangeException>(() =>
            ml.BinaryClassification.Trainers.Mlp(labelColumnName: "Outcome").Fit(data));
        Assert.Contains("Outcome", label.Message);
        var features = Assert.ThrowsAny<ArgumentOutOfRangeException>(() =>
            ml.Regression.Trainers.Mlp(featureColumnName: "Inputs").Fit(data));
        Assert.Contains("Inputs", features.Message);
    }

    [Fact]
    public void Features_must_be_a_known_size_vector_of_Single()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = ml.Data.LoadFromEnumerable(new[] { new ScalarFeatureRow { Label = true, Features = 1 } });
        var error = Assert.ThrowsAny<ArgumentException>(() => ml.BinaryClassification.Trainers.Mlp().Fit(data));
        Assert.Contains("Features", error.Message);
    }

    [Fact]
    public void An_empty_or_unusable_validation_set_is_named_as_the_validation_set()
    {
        var ml = new MLContext(seed: 1);
        IDataView training = ml.Data.LoadFromEnumerable(new[]
        {
            new BoolLabelRow { Label = true, Features = [1, 1] },
            new BoolLabelRow { Label = false, Features = [-1, 0] },
        });
        IDataView empty = ml.Data.LoadFromEnumerable(Array.Empty<BoolLabelRow>());
        IDataView unusable = ml.Data.LoadFromEnumerable(new[] { new BoolLabelRow { Label = true, Features = [float.NaN, 1] } });
        var trainer = ml.BinaryClassification.Trainers.Mlp();

        var emptyError = Assert.ThrowsAny<InvalidOperationException>(() => trainer.Fit(training, empty));
        Assert.Contains("The validation set is empty", emptyError.Message);
        var unusableError = Assert.ThrowsAny<InvalidOperationException>(() => trainer.Fit(training, unusable));
        Assert.Contains("No valid validation rows", unusableError.Message);
        Assert.Contains("1 row with NaN or infinite values in feature column 'Features'", unusableError.Message);
    }

    [Fact]
    public void Changing_the_options_after_creating_a_trainer_changes_nothing()
    {
        var ml = new MLContext(seed: 1);
        var options = new MlpBinaryTrainer.Options { HiddenLayerSizes = [4, 3], NumberOfIterations = 3, Seed = 5 };
        // What a sweep reusing one options object does; the values are ones the trainer would reject.
        AssertChangingOptionsAfterwardsChangesNothing(ml, ml.BinaryClassification.Trainers.Mlp(options), () =>
        {
            options.HiddenLayerSizes[0] = 0;
            options.EnsembleSize = 0;
            options.LearningRate = -1;
            options.LabelColumnName = "";
        });
    }

    [Fact]
    public void Changing_the_options_after_creating_a_perceptron_trainer_changes_nothing()
    {
        var ml = new MLContext(seed: 1);
        var options = new PerceptronTrainer.Options { NumberOfIterations = 3, Seed = 5 };
        AssertChangingOptionsAfterwardsChangesNothing(ml, ml.BinaryClassification.Trainers.Perceptron(options), () =>
        {
            options.NumberOfIterations = 0;
            options.LearningRate = float.NaN;
            options.AverageWeights = !options.AverageWeights;
        });
    }

    private static void AssertChangingOptionsAfterwardsChangesNothing<TTransformer>(MLContext ml, IEstimator<TTransformer> trainer, Action changeOptions)
        where TTransformer : ITransformer
    {
        IDataView data = TestData.SeparableBlobs(ml, rowsPerClass: 40, seed: 2);
        float[] before = trainer.Fit(data).Transform(data).GetColumn<float>("Score").ToArray();
        changeOptions();
        float[] after = trainer.Fit(data).Transform(data).GetColumn<float>("Score").ToArray();
        Assert.Equal(before, after);
    }

    [Fact]
    public void A_model_to_continue_from_with_other_features_is_named_as_Fits_modelParameters()
    {
        var ml = new MLContext(seed: 1);
        IDataView twoFeatures = TestData.SeparableBlobs(ml, rowsPerClass: 20, seed: 2);
        IDataView threeFeatures = ml.Data.LoadFromEnumerable(ml.Data.CreateEnumerable<TestData.BinaryRow>(twoFeatures, reuseRowObject: false)
            .Select(r => new ThreeFeatureRow { Label = r.Label, Features = [.. r.Features, 0] }).ToList());
        var mlp = ml.BinaryClassification.Trainers.Mlp(hiddenLayerSizes: [3], numberOfIterations: 1);
        var perceptron = ml.BinaryClassification.Trainers.Perceptron(numberOfIterations: 1);

        var mlpError = Assert.ThrowsAny<ArgumentException>(() => mlp.Fit(threeFeatures, mlp.Fit(twoFeatures).Model));
        var perceptronError = Assert.ThrowsAny<ArgumentException>(() => perceptron.Fit(threeFeatures, perceptron.Fit(twoFeatures).Model));

        Assert.Equal("modelParameters", mlpError.ParamName);
        Assert.Equal("modelParameters", perceptronError.ParamName);
        Assert.Contains("feature column 'Features' has 3", mlpError.Message);
        Assert.Contains("feature column 'Features' has 3", perceptronError.Message);
    }

    private sealed class ThreeFeatureRow
    {
        public bool Label { get; set; }

        [VectorType(3)]
        public float[] Features { get; set; } = [];
    }

    [Theory]
    [InlineData(50, 2, 0.2f, 0)]
    [InlineData(3, 150, 0.0225f, 9)]
    [InlineData(2, 40, 0.99f, 80)]
    public void Early_stopping_is_skipped_with_a_warning_when_the_per_class_split_leaves_too_few_rows(
        int classes, int rowsPerClass, float fraction, int validationRowsTheSplitWouldGive)
    {
        var ml = new MLContext(seed: 1);
        var messages = new List<string>();
        ml.Log += (_, e) => { lock (messages) messages.Add(e.Message); };
        IDataView data = ml.Data.LoadFromEnumerable(Enumerable.Range(0, classes * rowsPerClass)
            .Select(i => new KeyLabelRow { Label = (uint)(i % classes), Features = [i % classes, (i * 7919) % 13] }).ToList());
        var trainer = ml.MulticlassClassification.Trainers.Mlp(new MlpMulticlassTrainer.Options
        {
            HiddenLayerSizes = [4], NumberOfIterations = 2, ValidationFraction = fraction, Seed = 1,
        });

        var model = trainer.Fit(data).Model;

        Assert.Equal(0, model.TrainingReport.ValidationExampleCount);
        Assert.Contains(messages, m => m.Contains($"gives {validationRowsTheSplitWouldGive} validation and") && m.Contains("without early stopping"));
    }

    private sealed class KeyLabelRow
    {
        [KeyType(50)]
        public uint Label { get; set; }

        [VectorType(2)]
        public float[] Features { get; set; } = [];
    }

    [Fact]
    public void Zero_valid_rows_give_a_clear_error()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = ml.Data.LoadFromEnumerable(new[]
        {
            new BoolLabelRow { Label = true, Features = [float.NaN, 1] },
            new BoolLabelRow { Label = false, Features = [1, float.NegativeInfinity] },
        });
        var error = Assert.ThrowsAny<InvalidOperationException>(() => ml.BinaryClassification.Trainers.Mlp().Fit(data));
        Assert.Contains("No valid training rows", error.Message);
        Assert.Contains("2 rows with NaN or infinite values in feature column 'Features'", error.Message);
    }

    [Fact]
    public void NaN_feature_rows_and_missing_labels_are_skipped_and_counted_in_the_log()
    {
        var ml = new MLContext(seed: 1);
        var messages = new List<string>();
        ml.Log += (_, e) => { lock (messages) messages.Add(e.Message); };
        var rows = Enumerable.Range(0, 40).Select(i => new NumericLabelRow { Label = i, Features = [i / 40f, 1 - i / 40f] }).ToList();
        rows.Add(new NumericLabelRow { Label = float.NaN, Features = [0.5f, 0.5f] });
        rows.Add(new NumericLabelRow { Label = 3, Features = [float.NaN, 0.5f] });
        var model = ml.Regression.Trainers.Mlp(hiddenLayerSizes: [4], numberOfIterations: 3).Fit(ml.Data.LoadFromEnumerable(rows));
        Assert.True(model.Model.Weights.All(layer => layer.All(float.IsFinite)));
        Assert.Contains(messages, m => m.Contains("1 row with NaN or infinite values in feature column 'Features'")
            && m.Contains("1 row with a missing value in label column 'Label'"));
    }

    [Fact]
    public void A_validation_set_with_a_different_schema_is_rejected()
    {
        var ml = new MLContext(seed: 1);
        IDataView train = TestData.Xor(ml);
        IDataView wider = ml.Data.LoadFromEnumerable(new[] { new WideRow { Label = true, Features = [1, 2, 3] } });
        IDataView numericLabel = Numeric(ml, (1, 1));
        var trainer = ml.BinaryClassification.Trainers.Mlp(hiddenLayerSizes: [2], numberOfIterations: 1);
        var size = Assert.ThrowsAny<ArgumentException>(() => trainer.Fit(train, wider));
        Assert.Contains("Features", size.Message);
        var label = Assert.ThrowsAny<ArgumentException>(() => trainer.Fit(train, numericLabel));
        Assert.Contains("Label", label.Message);
    }

    public static TheoryData<string, Action<MlpBinaryTrainer.Options>> BadOptions => new()
    {
        { "HiddenLayerSizes", o => o.HiddenLayerSizes = [] },
        { "HiddenLayerSizes", o => o.HiddenLayerSizes = [10, 0] },
        { "HiddenLayerSizes", o => o.HiddenLayerSizes = [-3] },
        { "HiddenLayerSizes", o => o.HiddenLayerSizes = [1_000_000_000] },
        { "DropoutRate", o => o.DropoutRate = 1 },
        { "DropoutRate", o => o.DropoutRate = -0.1f },
        { "DropConnectRate", o => o.DropConnectRate = 1.5f },
        { "Momentum", o => o.Momentum = 1 },
        { "BatchSize", o => o.BatchSize = 0 },
        { "BatchSize", o => o.BatchSize = -5 },
        { "ValidationFraction", o => o.ValidationFraction = 0 },
        { "ValidationFraction", o => o.ValidationFraction = 1 },
        { "LearningRate", o => o.LearningRate = 0 },
        { "L2Regularization", o => o.L2Regularization = -1 },
        { "NumberOfIterations", o => o.NumberOfIterations = 0 },
        { "EarlyStoppingPatience", o => o.EarlyStoppingPatience = 0 },
        { "NumberOfThreads", o => o.NumberOfThreads = 0 },
        { "Activation", o => o.Activation = (MlpActivation)42 },
        { "Loss", o => o.Loss = (MlpLoss)7 },
        { "EarlyStoppingMetric", o => o.EarlyStoppingMetric = (MlpEarlyStoppingMetric)9 },
        { "ClassWeighting", o => o.ClassWeighting = (MlpClassWeighting)5 },
        { "LearningRateSchedule", o => o.LearningRateSchedule = (MlpLearningRateSchedule)8 },
        { "FeatureScaling", o => o.FeatureScaling = (MlpFeatureScaling)6 },
        { "FeatureColumnName", o => o.FeatureColumnName = "" },
        { "LabelColumnName", o => o.LabelColumnName = "" },
        { "LabelColumnName", o => o.LabelColumnName = null! },
    };

    [Fact]
    public void An_empty_label_column_name_is_named_by_every_MLP_trainer()
    {
        var ml = new MLContext(seed: 1);
        Action[] constructors =
        [
            () => ml.BinaryClassification.Trainers.Mlp(new MlpBinaryTrainer.Options { LabelColumnName = "" }),
            () => ml.MulticlassClassification.Trainers.Mlp(new MlpMulticlassTrainer.Options { LabelColumnName = "" }),
            () => ml.Regression.Trainers.Mlp(new MlpRegressionTrainer.Options { LabelColumnName = "" }),
            () => ml.Regression.Trainers.MlpMultiOutput(new MlpMultiOutputRegressionTrainer.Options { LabelColumnName = "" }),
            () => ml.BinaryClassification.Trainers.MlpMultiLabel(new MlpMultiLabelTrainer.Options { LabelColumnName = "" }),
        ];
        foreach (Action construct in constructors)
        {
            var error = Assert.Throws<ArgumentOutOfRangeException>(construct);
            Assert.Equal("LabelColumnName", error.ParamName);
            Assert.StartsWith("LabelColumnName must name a column, but is ''.", error.Message);
        }
    }

    [Fact]
    public void A_diverging_Fit_throws_TrainingDivergedException_itself()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 60).Select(i =>
            new BoolLabelRow { Features = [i % 7 * 100f, i % 5 * 100f], Label = i % 3 == 0 }));
        var trainer = ml.BinaryClassification.Trainers.Mlp(new MlpBinaryTrainer.Options
        {
            // Identity units on unscaled features of hundreds: each SGD step overshoots further, as in the engine's own test.
            HiddenLayerSizes = [4], Activation = MlpActivation.Identity, Optimizer = MlpOptimizer.Sgd, LearningRate = 10f, Momentum = 0.9f,
            FeatureScaling = MlpFeatureScaling.None,
            EnsembleSize = 1, NumberOfIterations = 20, EarlyStopping = false, Seed = 1,
        });

        var error = Assert.Throws<TrainingDivergedException>(() => trainer.Fit(data));
        Assert.Contains($"epoch {error.Epoch}", error.Message);
        Assert.IsAssignableFrom<InvalidOperationException>(error);
    }

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void Options_out_of_range_throw_at_construction_naming_the_option(string option, Action<MlpBinaryTrainer.Options> spoil)
    {
        var options = new MlpBinaryTrainer.Options();
        spoil(options);
        var ml = new MLContext(seed: 1);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => ml.BinaryClassification.Trainers.Mlp(options));
        Assert.Equal(option, error.ParamName);
        Assert.Contains(option, error.Message);
    }

    [Fact]
    public void Catalog_overloads_of_all_three_tasks_validate_the_same_way()
    {
        var ml = new MLContext(seed: 1);
        Assert.Equal("HiddenLayerSizes", Assert.Throws<ArgumentOutOfRangeException>(() => ml.BinaryClassification.Trainers.Mlp(hiddenLayerSizes: [])).ParamName);
        Assert.Equal("LearningRate", Assert.Throws<ArgumentOutOfRangeException>(() => ml.MulticlassClassification.Trainers.Mlp(learningRate: -1)).ParamName);
        Assert.Equal("NumberOfIterations", Assert.Throws<ArgumentOutOfRangeException>(() => ml.Regression.Trainers.Mlp(numberOfIterations: 0)).ParamName);
    }

    [Theory]
    [InlineData(typeof(BinaryClassificationCatalog.BinaryClassificationTrainers), typeof(MlpBinaryTrainer.Options))]
    [InlineData(typeof(MulticlassClassificationCatalog.MulticlassClassificationTrainers), typeof(MlpMulticlassTrainer.Options))]
    [InlineData(typeof(RegressionCatalog.RegressionTrainers), typeof(MlpRegressionTrainer.Options))]
    public void The_simple_overload_has_the_defaults_of_the_options(Type catalog, Type optionsType)
    {
        var overload = typeof(MlpCatalog).GetMethods().Single(m => m.Name == "Mlp"
            && m.GetParameters()[0].ParameterType == catalog && m.GetParameters().Length > 2);
        object options = Activator.CreateInstance(optionsType)!;
        foreach (var parameter in overload.GetParameters().Skip(1).Where(p => p.Name != "hiddenLayerSizes"))
        {
            string field = char.ToUpperInvariant(parameter.Name![0]) + parameter.Name[1..];
            Assert.Equal(optionsType.GetField(field)!.GetValue(options), parameter.DefaultValue);
        }
    }
}
