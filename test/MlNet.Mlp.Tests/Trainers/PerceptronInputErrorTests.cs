using Microsoft.ML;
using Microsoft.ML.Data;
using MlNet.Mlp.Tests.Infrastructure;
using MlNet.Mlp.Tests.Reliability;
using Xunit;

namespace MlNet.Mlp.Tests.Trainers;

public class PerceptronInputErrorTests
{
    private sealed class FloatLabelRow
    {
        public float Label { get; set; }

        [VectorType(2)]
        public float[] Features { get; set; } = [];
    }

    private sealed class ScalarFeatureRow
    {
        public bool Label { get; set; }
        public float Features { get; set; }
    }

    private sealed class DoubleFeatureRow
    {
        public bool Label { get; set; }

        [VectorType(2)]
        public double[] Features { get; set; } = [];
    }

    private sealed class VariableFeatureRow
    {
        public bool Label { get; set; }

        public float[] Features { get; set; } = [];
    }

    [Fact]
    public void Missing_label_column_is_named_in_the_error()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = TestData.SeparableBlobs(ml, 5, seed: 1);
        var error = Assert.ThrowsAny<ArgumentOutOfRangeException>(() =>
            ml.BinaryClassification.Trainers.Perceptron(labelColumnName: "IsPositive").Fit(data));
        Assert.Contains("IsPositive", error.Message);
    }

    [Fact]
    public void Non_Boolean_label_is_rejected_with_the_column_and_expected_type()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = ml.Data.LoadFromEnumerable(new[] { new FloatLabelRow { Label = 1, Features = [1, 2] } });
        var trainer = ml.BinaryClassification.Trainers.Perceptron();
        var error = Assert.ThrowsAny<ArgumentOutOfRangeException>(() => trainer.Fit(data));
        Assert.Contains("Label", error.Message);
        Assert.Contains("Boolean", error.Message);
    }

    [Fact]
    public void Missing_feature_column_is_named_in_the_error()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = TestData.SeparableBlobs(ml, 5, seed: 1);
        var error = Assert.ThrowsAny<ArgumentOutOfRangeException>(() =>
            ml.BinaryClassification.Trainers.Perceptron(featureColumnName: "Pixels").Fit(data));
        Assert.Contains("Pixels", error.Message);
    }

    [Fact]
    public void Feature_column_that_is_not_a_known_size_vector_of_Single_is_rejected()
    {
        var ml = new MLContext(seed: 1);
        var trainer = ml.BinaryClassification.Trainers.Perceptron();
        IDataView scalar = ml.Data.LoadFromEnumerable(new[] { new ScalarFeatureRow { Label = true, Features = 1 } });
        IDataView doubles = ml.Data.LoadFromEnumerable(new[] { new DoubleFeatureRow { Label = true, Features = [1, 2] } });
        IDataView variable = ml.Data.LoadFromEnumerable(new[] { new VariableFeatureRow { Label = true, Features = [1, 2] } });
        foreach (IDataView data in new[] { scalar, doubles, variable })
        {
            var error = Assert.ThrowsAny<ArgumentException>(() => trainer.Fit(data));
            Assert.Contains("Features", error.Message);
        }
    }

    [Fact]
    public void Empty_training_set_gives_a_clear_error()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = ml.Data.LoadFromEnumerable(new List<TestData.BinaryRow>());
        var error = Assert.ThrowsAny<InvalidOperationException>(() => ml.BinaryClassification.Trainers.Perceptron().Fit(data));
        Assert.Contains("empty", error.Message);
    }

    [Fact]
    public void Rows_with_NaN_or_infinite_features_are_skipped_and_counted_in_the_log()
    {
        var ml = new MLContext(seed: 1);
        var messages = new List<string>();
        ml.Log += (_, e) => { lock (messages) messages.Add(e.Message); };
        var rows = new List<TestData.BinaryRow>
        {
            new() { Features = [2, 2], Label = true },
            new() { Features = [-2, -2], Label = false },
            new() { Features = [float.NaN, 1], Label = true },
            new() { Features = [1, float.PositiveInfinity], Label = false },
        };
        var model = ml.BinaryClassification.Trainers.Perceptron().Fit(ml.Data.LoadFromEnumerable(rows));
        Assert.True(model.Model.Weights.All(float.IsFinite));
        Assert.Contains(messages, m => m.Contains("Skipped 2 rows with NaN or infinite values in feature column 'Features'"));
    }

    [Fact]
    public void No_valid_row_left_gives_a_clear_error()
    {
        var ml = new MLContext(seed: 1);
        var rows = new List<TestData.BinaryRow> { new() { Features = [float.NaN, 1], Label = true } };
        var error = Assert.ThrowsAny<InvalidOperationException>(() =>
            ml.BinaryClassification.Trainers.Perceptron().Fit(ml.Data.LoadFromEnumerable(rows)));
        Assert.Contains("No valid training rows", error.Message);
        Assert.Contains("'Features'", error.Message);
    }

    public static TheoryData<string, Action<PerceptronTrainer.Options>> BadOptions => new()
    {
        { "LearningRate", o => o.LearningRate = 0 },
        { "LearningRate", o => o.LearningRate = float.NaN },
        { "NumberOfIterations", o => o.NumberOfIterations = 0 },
        { "BatchSize", o => o.BatchSize = -1 },
        { "LossThreshold", o => o.LossThreshold = -0.5 },
        { "InitialWeightsDiameter", o => o.InitialWeightsDiameter = float.PositiveInfinity },
        { "LabelColumnName", o => o.LabelColumnName = "" },
        { "FeatureColumnName", o => o.FeatureColumnName = " " },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void Options_out_of_range_name_the_option_and_the_value(string option, Action<PerceptronTrainer.Options> spoil)
    {
        var options = new PerceptronTrainer.Options();
        spoil(options);
        var ml = new MLContext(seed: 1);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => ml.BinaryClassification.Trainers.Perceptron(options));
        Assert.Equal(option, error.ParamName);
    }

    [Fact]
    public void Catalog_overload_validates_like_the_options()
    {
        var ml = new MLContext(seed: 1);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => ml.BinaryClassification.Trainers.Perceptron(learningRate: -1f));
        Assert.Equal("LearningRate", error.ParamName);
        Assert.Contains("-1", error.Message);
    }

    [Fact]
    public void CancelExecution_stops_a_long_training_promptly()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = TestData.SeparableBlobs(ml, 20_000, seed: 1);
        var trainer = ml.BinaryClassification.Trainers.Perceptron(new PerceptronTrainer.Options
        {
            NumberOfIterations = 1_000_000, LossThreshold = -0.0, InitialWeightsDiameter = 0, Shuffle = true,
        });
        // Noise the labels so that the data can never be learned and training would run to the iteration limit.
        var noisy = ml.Data.LoadFromEnumerable(ml.Data.CreateEnumerable<TestData.BinaryRow>(data, reuseRowObject: false)
            .Select((r, i) => { if (i % 7 == 0) r.Label = !r.Label; return r; }).ToList());
        // Cancel once training has started (not after a fixed sleep: on a loaded machine the Fit may not have started
        // yet, is then not cancelled, and runs its 10⁶ iterations, hanging the suite), and fail rather than hang.
        Task training = CancellationTests.StartAndWaitUntilTraining(ml, () => trainer.Fit(noisy));
        ml.CancelExecution();
        CancellationTests.AssertCancelledWithin(training, TimeSpan.FromSeconds(30));
    }

    [Fact]
    public void The_simple_overload_has_the_defaults_of_the_options()
    {
        var overload = typeof(MlpCatalog).GetMethods().Single(m => m.Name == "Perceptron" && m.GetParameters().Length > 2);
        var options = new PerceptronTrainer.Options();
        foreach (var parameter in overload.GetParameters().Skip(1))
        {
            string field = char.ToUpperInvariant(parameter.Name![0]) + parameter.Name[1..];
            Assert.Equal(typeof(PerceptronTrainer.Options).GetField(field)!.GetValue(options), parameter.DefaultValue);
        }
    }
}
