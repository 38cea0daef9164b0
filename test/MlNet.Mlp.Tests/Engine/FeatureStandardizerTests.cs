using MlNet.Mlp.Engine;
using Xunit;

namespace MlNet.Mlp.Tests.Engine;

public class FeatureStandardizerTests
{
    private static float[] RandomRows(int rows, int features, int seed, float offset, float spread)
    {
        var random = new Random(seed);
        var values = new float[rows * features];
        for (int i = 0; i < values.Length; i++)
            values[i] = offset * (i % features + 1) + spread * (float)(random.NextDouble() - 0.5);
        return values;
    }

    [Fact]
    public void Standardised_features_have_mean_zero_and_unit_deviation()
    {
        float[] x = RandomRows(500, 4, seed: 1, offset: 100, spread: 7);
        var standardizer = FeatureStandardizer.Fit(x, 4, 500);
        standardizer.StandardizeInPlace(x, 500);
        for (int i = 0; i < 4; i++)
        {
            double[] column = Enumerable.Range(0, 500).Select(r => (double)x[r * 4 + i]).ToArray();
            Assert.Equal(0, column.Average(), 4);
            Assert.Equal(1, Math.Sqrt(column.Select(v => v * v).Average()), 4);
        }
    }

    [Fact]
    public void Features_non_zero_in_too_few_rows_are_left_as_they_are_when_asked()
    {
        const int rows = 200;
        var x = new float[rows * 3];
        var weights = new float[rows];
        for (int r = 0; r < rows; r++)
        {
            x[r * 3] = 1000 + r;                 // always non-zero
            x[r * 3 + 1] = r % 10 == 0 ? 1 : 0;  // non-zero in 10% of the rows
            x[r * 3 + 2] = r % 2 == 0 ? 3 : 0;   // in 50% of the rows, or 2/3 of the weight
            weights[r] = r % 2 == 0 ? 2 : 1;
        }

        var all = FeatureStandardizer.Fit(x, 3, rows);
        Assert.All(Enumerable.Range(0, 3), i => Assert.NotEqual(0, all.Mean[i]));

        var dense = FeatureStandardizer.Fit(x, 3, rows, weights, minimumNonZeroShare: 0.5);
        Assert.NotEqual(0, dense.Mean[0]);
        Assert.NotEqual(1, dense.Scale[0]);
        Assert.Equal((0.0, 1.0), (dense.Mean[1], dense.Scale[1]));
        Assert.NotEqual(0, dense.Mean[2]);

        var stricter = FeatureStandardizer.Fit(x, 3, rows, weights, minimumNonZeroShare: 0.7);
        Assert.Equal((0.0, 1.0), (stricter.Mean[2], stricter.Scale[2]));
        Assert.NotEqual(0, stricter.Mean[0]);
    }

    [Fact]
    public void Folding_into_the_first_layer_gives_the_same_outputs_on_raw_features()
    {
        const int rows = 50, features = 5;
        float[] raw = RandomRows(rows, features, seed: 2, offset: 30, spread: 4);
        var standardizer = FeatureStandardizer.Fit(raw, features, rows);
        float[] standardized = (float[])raw.Clone();
        standardizer.StandardizeInPlace(standardized, rows);
        MlpNetwork network = MlpNetwork.CreateInitialized(features, [6, 3], Activation.Tanh, 2, Activation.Softmax, seed: 3);

        MlpNetwork folded = standardizer.ToRawSpace(network);
        var expected = new float[rows * 2];
        var actual = new float[rows * 2];
        network.Predict(standardized, rows, expected);
        folded.Predict(raw, rows, actual);
        for (int i = 0; i < expected.Length; i++)
            Assert.Equal(expected[i], actual[i], 4);

        MlpNetwork roundTrip = standardizer.ToStandardizedSpace(folded);
        float[] original = network.Layers[0].Weights.ToArray(), back = roundTrip.Layers[0].Weights.ToArray();
        for (int i = 0; i < original.Length; i++)
            Assert.Equal(original[i], back[i], 5);
        Assert.Equal(network.Layers[1].Weights.ToArray(), roundTrip.Layers[1].Weights.ToArray());
    }

    [Fact]
    public void A_constant_feature_keeps_scale_one_and_an_example_weight_counts_as_copies()
    {
        float[] x = [5, 1, 5, 2, 5, 4];
        var standardizer = FeatureStandardizer.Fit(x, 2, 3);
        Assert.Equal(5, standardizer.Mean[0], 10);
        Assert.Equal(1, standardizer.Scale[0]);

        var weighted = FeatureStandardizer.Fit(x, 2, 3, [2f, 1f, 1f]);
        var duplicated = FeatureStandardizer.Fit([5, 1, 5, 1, 5, 2, 5, 4], 2, 4);
        Assert.Equal(duplicated.Mean[1], weighted.Mean[1], 10);
        Assert.Equal(duplicated.Scale[1], weighted.Scale[1], 10);
    }
}
