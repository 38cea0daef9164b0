using Microsoft.ML;
using Microsoft.ML.Data;
using MlNet.Mlp.Engine;
using Xunit;

namespace MlNet.Mlp.Tests.Reliability;

/// <summary>
/// The perceptron keeps dense features whose values are 0–255 whole steps (pixels, counts, indicators) as one byte a
/// value. Whatever the data, the model must be the one the learner gives on the values as floats; data that does not
/// fit (a fraction, a negative, NaN) must fall back to floats without losing or misreading a row.
/// </summary>
public class QuantizedFeatureTests
{
    private const int FeatureCount = 20;
    private const string KeptAsBytes = "kept as one byte a value";

    private sealed class Row
    {
        public bool Label { get; set; }

        [VectorType(FeatureCount)]
        public float[] Features { get; set; } = [];
    }

    private static readonly PerceptronTrainer.Options Options = new() { NumberOfIterations = 12, Seed = 5 };

    /// <summary>Rows whose label a few features decide, with values from <paramref name="value"/>.</summary>
    private static List<Row> Rows(int count, int seed, Func<Random, float> value)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ =>
        {
            float[] x = Enumerable.Range(0, FeatureCount).Select(_ => value(random)).ToArray();
            return new Row { Features = x, Label = x[0] + x[1] - x[2] + 0.3f * (float)(random.NextDouble() - 0.5) > x[3] };
        }).ToList();
    }

    private static (PerceptronModelParameters Model, List<string> Log) Fit(List<Row> rows)
    {
        var ml = new MLContext(seed: 1);
        var log = new List<string>();
        ml.Log += (_, e) => { lock (log) log.Add(e.Message); };
        var model = ml.BinaryClassification.Trainers.Perceptron(Options).Fit(ml.Data.LoadFromEnumerable(rows)).Model;
        return (model, log);
    }

    /// <summary>The learner on the rows' float values, with the settings the trainer builds from <see cref="Options"/>.</summary>
    private static PerceptronResult OnFloats(IEnumerable<Row> rows)
    {
        List<Row> used = rows.ToList();
        var settings = new PerceptronLearnerSettings(Options.LearningRate, Options.NumberOfIterations, Options.BatchSize, Options.Shuffle,
            Options.LossThreshold, Options.InitialWeightsDiameter, Options.Seed!.Value, Options.KeepBestWeights, Options.AverageWeights);
        return PerceptronLearner.Train(settings, used.SelectMany(r => r.Features).ToArray(), FeatureCount, used.Count,
            used.Select(r => r.Label ? 1f : -1f).ToArray(), null, null, 0f);
    }

    private static void AssertSameModel(PerceptronResult expected, PerceptronModelParameters actual)
    {
        Assert.Equal(expected.Weights, actual.Weights);
        Assert.Equal(expected.Bias, actual.Bias);
        Assert.Equal(expected.LossPerIteration, actual.TrainingReport.LossPerIteration);
    }

    [Fact]
    public void Whole_number_features_are_kept_as_bytes_and_train_exactly_as_floats()
    {
        List<Row> rows = Rows(200, seed: 1, random => random.Next(0, 4) * 2f);
        (PerceptronModelParameters model, List<string> log) = Fit(rows);
        Assert.Contains(log, line => line.Contains(KeptAsBytes) && line.Contains("steps of 2,"));
        AssertSameModel(OnFloats(rows), model);
    }

    [Fact]
    public void Pixels_scaled_to_0_1_are_kept_as_bytes_and_train_as_floats_up_to_round_off()
    {
        List<Row> rows = Rows(300, seed: 2, random => random.Next(256) / 255f);
        // The first row's smallest value is the step: make it one grey level, as in any image with anti-aliasing.
        rows[0].Features[7] = 1 / 255f;
        (PerceptronModelParameters model, List<string> log) = Fit(rows);
        Assert.Contains(log, line => line.Contains(KeptAsBytes));
        PerceptronResult expected = OnFloats(rows);
        Assert.Equal(expected.LossPerIteration, model.TrainingReport.LossPerIteration);
        float largest = expected.Weights.Max(MathF.Abs);
        for (int j = 0; j < FeatureCount; j++)
            Assert.True(MathF.Abs(expected.Weights[j] - model.Weights[j]) <= 1e-4f * largest, $"weight {j}: {model.Weights[j]} against {expected.Weights[j]}");
    }

    [Theory]
    [InlineData(0.3f)]    // between steps
    [InlineData(-1f)]     // negative
    [InlineData(256f)]    // beyond 255 steps
    [InlineData(-0f)]     // −0 decodes to +0
    [InlineData(0.4f)]    // a finer step, but not one that divides the first
    public void A_last_row_that_does_not_fit_the_bytes_sends_the_whole_set_to_floats(float value)
    {
        List<Row> rows = Rows(150, seed: 3, random => random.Next(0, 5));
        rows[0].Features[5] = 1;
        rows[^1].Features[FeatureCount - 1] = value;
        (PerceptronModelParameters model, List<string> log) = Fit(rows);
        Assert.DoesNotContain(log, line => line.Contains(KeptAsBytes));
        AssertSameModel(OnFloats(rows), model);
    }

    [Theory]
    [InlineData(1f, 0.5f)]
    [InlineData(2f, 1f)]
    [InlineData(3f, 1f)]
    [InlineData(2 / 255f, 1 / 255f)]
    [InlineData(5 / 255f, 1 / 255f)]
    public void A_later_row_with_a_finer_step_that_divides_the_first_is_still_kept_as_bytes(float firstStep, float finerStep)
    {
        // Images whose first row's faintest pixel is 2 grey levels and a later one's 1: 1 in 8 Fashion-MNIST images.
        List<Row> rows = Rows(150, seed: 10, random => random.Next(0, 4) * firstStep);
        rows[0].Features[2] = firstStep;
        rows[90].Features[4] = finerStep;
        (PerceptronModelParameters model, List<string> log) = Fit(rows);
        Assert.Contains(log, line => line.Contains(KeptAsBytes) && line.Contains($"steps of {finerStep:G9},"));
        PerceptronResult expected = OnFloats(rows);
        if (float.IsInteger(firstStep / finerStep) && float.IsInteger(2 * finerStep))
        {
            AssertSameModel(expected, model);
            return;
        }
        // Steps like 1/255 are not exact in float: on a lattice of few values, a score can be 0 up to round-off,
        // and the sign that round-off gives it decides an update. The two models must still predict alike.
        int agree = rows.Count(r => Predict(expected.Weights, expected.Bias, r.Features) == Predict(model.Weights, model.Bias, r.Features));
        Assert.True(agree >= 0.95 * rows.Count, $"{agree} of {rows.Count} predictions agree");
    }

    [Theory]
    [InlineData(new[] { 3f, 6f, 9f }, 1f)]        // a first row without a 1, later rows with every count
    [InlineData(new[] { 4f, 6f, 10f }, 1f)]       // a first row whose values share 2, no value 2 among them
    [InlineData(new[] { 2048f, 3072f }, 1024f)]   // counts in thousands: the first row's divisor, not its smallest value
    public void Whole_numbers_are_kept_as_bytes_on_their_common_divisor_whatever_the_first_row(float[] firstRowValues, float expectedStep)
    {
        // Steps that are powers of two scale every sum exactly, so bytes and floats train alike bit for bit.
        float unit = expectedStep;
        List<Row> rows = Rows(150, seed: 12, random => random.Next(0, 256) * unit);
        var random = new Random(3);
        rows[0].Features = Enumerable.Range(0, FeatureCount).Select(_ => firstRowValues[random.Next(firstRowValues.Length)]).ToArray();
        (PerceptronModelParameters model, List<string> log) = Fit(rows);
        Assert.Contains(log, line => line.Contains(KeptAsBytes) && line.Contains($"steps of {expectedStep:G9},"));
        AssertSameModel(OnFloats(rows), model);
    }

    private static bool Predict(IReadOnlyList<float> weights, float bias, float[] x) =>
        x.Select((value, j) => (double)weights[j] * value).Sum() + bias > 0;

    [Fact]
    public void A_NaN_row_among_byte_like_rows_is_skipped_and_reported_as_with_floats()
    {
        List<Row> rows = Rows(150, seed: 4, random => random.Next(0, 5));
        rows[70].Features[3] = float.NaN;
        (PerceptronModelParameters model, List<string> log) = Fit(rows);
        Assert.Contains(log, line => line.Contains("Skipped 1 row with NaN or infinite values in feature column 'Features'"));
        AssertSameModel(OnFloats(rows.Where((_, i) => i != 70)), model);
    }

    [Fact]
    public void Leading_all_zero_rows_wait_for_the_first_row_that_sets_the_step()
    {
        List<Row> rows = Rows(120, seed: 6, random => random.Next(0, 3) * 0.25f);
        for (int i = 0; i < 10; i++)
            rows[i].Features = new float[FeatureCount];
        (PerceptronModelParameters model, List<string> log) = Fit(rows);
        Assert.Contains(log, line => line.Contains(KeptAsBytes) && line.Contains($"steps of {0.25f:G9},"));
        AssertSameModel(OnFloats(rows), model);
    }

    [Fact]
    public void Repeated_fits_give_the_same_models()
    {
        List<Row> small = Rows(100, seed: 7, random => random.Next(0, 9));
        List<Row> large = Rows(900, seed: 8, random => random.Next(0, 9));
        List<Row> leadingZeros = Rows(100, seed: 9, random => random.Next(0, 9));
        for (int i = 0; i < 5; i++)
            leadingZeros[i].Features = new float[FeatureCount];
        // The codes come from a shared pool in sizes of powers of two: 820 rows of 20 (16,400 bytes) take an array of
        // the same size as 900 rows do, so this Fit can get the large set's array back, its last 80 rows still there.
        List<Row> sameArray = Rows(820, seed: 10, random => random.Next(0, 9));
        PerceptronResult expectedSmall = OnFloats(small), expectedLarge = OnFloats(large), expectedZeros = OnFloats(leadingZeros),
            expectedSameArray = OnFloats(sameArray);
        for (int round = 0; round < 3; round++)
        {
            AssertSameModel(expectedLarge, Fit(large).Model);
            AssertSameModel(expectedSameArray, Fit(sameArray).Model);
            AssertSameModel(expectedSmall, Fit(small).Model);
            AssertSameModel(expectedZeros, Fit(leadingZeros).Model);
        }
    }
}
