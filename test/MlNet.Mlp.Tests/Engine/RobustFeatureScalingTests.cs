using MlNet.Mlp.Engine;
using Xunit;

namespace MlNet.Mlp.Tests.Engine;

public class RobustFeatureScalingTests
{
    [Fact]
    public void CentresOnTheMedianAndScalesByTheInterquartileRange()
    {
        // Feature 0: 1…8 (median 4, lower quartile 2, upper 6 as the smallest values reaching a quarter / three
        // quarters of the rows); feature 1: one-hot, quartiles equal, so half its range; feature 2: constant.
        float[] rows = new float[8 * 3];
        for (int r = 0; r < 8; r++)
        {
            rows[3 * r] = r + 1;
            rows[3 * r + 1] = r == 7 ? 1 : 0;
            rows[3 * r + 2] = 5;
        }
        RobustFeatureScaling scaling = RobustFeatureScaling.Fit(rows, 3, 8);
        Assert.Equal([4f, 0f, 5f], scaling.Center.ToArray());
        Assert.Equal([4f, 0.5f, 1f], scaling.Scale.ToArray());
    }

    [Fact]
    public void ExampleWeightsCountAsCopiesOfTheRow()
    {
        float[] weighted = [1, 2, 3];
        float[] copies = [1, 2, 3, 3, 3, 3];
        RobustFeatureScaling a = RobustFeatureScaling.Fit(weighted, 1, 3, [1f, 1f, 4f]);
        RobustFeatureScaling b = RobustFeatureScaling.Fit(copies, 1, 6);
        Assert.Equal(b.Center.ToArray(), a.Center.ToArray());
        Assert.Equal(b.Scale.ToArray(), a.Scale.ToArray());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void MatchesQuantilesTakenFromSortedColumns(bool unitWeights)
    {
        // 37 features (more than one block of columns), 500 rows: pixel-like columns full of ties, continuous ones, a
        // constant one and a one-hot one. Unit weights take the sorting path; both must agree with the definition.
        const int features = 37, rows = 500;
        var random = new Random(5);
        var data = new float[rows * features];
        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < features; j++)
            {
                data[r * features + j] = (j % 4) switch
                {
                    0 => random.Next(3) == 0 ? random.Next(256) / 255f : 0f,
                    1 => (float)(random.NextDouble() * 20 - 5),
                    2 => j == 2 ? 4f : random.Next(10),
                    _ => r == j ? 1f : 0f,
                };
            }
        }
        RobustFeatureScaling scaling = RobustFeatureScaling.Fit(data, features, rows, unitWeights ? Enumerable.Repeat(1f, rows).ToArray() : default);
        for (int j = 0; j < features; j++)
        {
            float[] sorted = Enumerable.Range(0, rows).Select(r => data[r * features + j]).Order().ToArray();
            float q1 = sorted[(int)Math.Ceiling(0.25 * rows) - 1], median = sorted[(int)Math.Ceiling(0.5 * rows) - 1];
            float q3 = sorted[(int)Math.Ceiling(0.75 * rows) - 1], halfRange = (sorted[^1] - sorted[0]) / 2;
            Assert.Equal(median, scaling.Center[j]);
            Assert.Equal(q3 > q1 ? q3 - q1 : halfRange > 0 ? halfRange : 1f, scaling.Scale[j]);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TheThreadCountDoesNotChangeTheFit(bool weighted)
    {
        // Enough rows that the columns are measured in several blocks, which the threads share out.
        const int features = 64, rows = 70_000;
        var random = new Random(9);
        float[] data = EngineTestData.Uniform(random, features * rows, 3f);
        float[]? weights = weighted ? Enumerable.Range(0, rows).Select(_ => (float)random.NextDouble()).ToArray() : null;
        RobustFeatureScaling one = RobustFeatureScaling.Fit(data, features, rows, weights, numberOfThreads: 1);
        foreach (int threads in new[] { 2, 3 })
        {
            RobustFeatureScaling many = RobustFeatureScaling.Fit(data, features, rows, weights, threads);
            Assert.Equal(one.Center.ToArray(), many.Center.ToArray());
            Assert.Equal(one.Scale.ToArray(), many.Scale.ToArray());
        }
    }

    [Fact]
    public void ClipsSmoothlyIntoPlusMinusThreeAndKeepsSmallValuesAlmostAsTheyAre()
    {
        var scaling = new RobustFeatureScaling([10f], [2f]);
        float[] x = [10f, 11f, 16f, -1e30f, 1e30f];
        float[] y = new float[1];
        double[] expected = x.Select(v => (v - 10.0) / 2).Select(z => z / Math.Sqrt(1 + z * z / 9)).ToArray();
        for (int i = 0; i < x.Length; i++)
        {
            scaling.Apply([x[i]], y);
            Assert.Equal(expected[i], y[0], 5);
            Assert.InRange(y[0], -3f, 3f);
        }
    }

    [Fact]
    public void ANetworkAppliesItsInputStageOnEveryPredictionPath()
    {
        var random = new Random(7);
        MlpNetwork layers = MlpNetwork.CreateInitialized(4, [5], Activation.Tanh, 2, Activation.Identity, seed: 3);
        float[] data = EngineTestData.Uniform(random, 6 * 4, 5f);
        data[1] = 0; // a zero the stage moves: the sparse path must see it
        RobustFeatureScaling scaling = RobustFeatureScaling.Fit(data, 4, 6);
        MlpNetwork staged = layers.WithInputScaling(scaling);

        float[] scaled = data.ToArray();
        scaling.ApplyInPlace(scaled, 6);
        var expected = new float[12];
        layers.Predict(scaled, 6, expected);

        var batch = new float[12];
        staged.Predict(data, 6, batch);
        Assert.Equal(expected, batch);
        // One row goes through dot products rather than the matrix product: the same sums in another order.
        var one = new float[2];
        staged.Predict(data.AsSpan(0, 4), one);
        Assert.Equal(expected[0], one[0], 1e-6f);
        Assert.Equal(expected[1], one[1], 1e-6f);
        var sparse = new float[2];
        staged.Predict([0, 2, 3], [data[0], data[2], data[3]], sparse);
        Assert.Equal(one, sparse);
        Assert.Same(scaling, staged.Clone().InputScaling);
        Assert.Same(scaling, staged.WithIdentityOutput().InputScaling);
    }

    [Fact]
    public void BadCentresAndScalesAreRejected()
    {
        Assert.Throws<ArgumentException>(() => new RobustFeatureScaling([1f], [0f]));
        Assert.Throws<ArgumentException>(() => new RobustFeatureScaling([float.NaN], [1f]));
        Assert.Throws<ArgumentException>(() => new RobustFeatureScaling([1f, 2f], [1f]));
        MlpNetwork network = MlpNetwork.CreateInitialized(3, [2], Activation.Relu, 1, Activation.Identity, seed: 1);
        Assert.Throws<ArgumentException>(() => network.WithInputScaling(new RobustFeatureScaling([0f, 0f], [1f, 1f])));
    }
}
