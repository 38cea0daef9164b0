using System.Numerics.Tensors;
using MlNet.Mlp.Engine;
using Xunit;

namespace MlNet.Mlp.Tests.Engine;

/// <summary>
/// The learner measures each pass's loss during the next pass; these tests hold it to the plain definition: a
/// separate loss pass over all rows with the weights each pass ended with.
/// </summary>
public class PerceptronLearnerTests
{
    [Theory]
    [InlineData(1, true, 0.0, false)]
    [InlineData(1, false, 0.0, false)]
    [InlineData(7, true, 0.0, false)]
    [InlineData(0, true, 0.0, false)]
    [InlineData(1, true, 1e9, false)]
    [InlineData(3, false, 1e9, false)]
    [InlineData(1, true, 380.0, false)]
    [InlineData(1, false, 0.0, true)]
    [InlineData(1, true, 0.0, true)]
    [InlineData(7, false, 0.0, true)]
    [InlineData(0, true, 0.0, true)]
    [InlineData(1, false, 380.0, true)]
    [InlineData(1, true, 420.0, true)]
    [InlineData(5, false, 420.0, true)]
    public void Matches_a_separate_loss_pass_after_every_pass(int batchSize, bool keepBestWeights, double lossThreshold, bool averageWeights)
    {
        const int rows = 200, featureCount = 5;
        var random = new Random(3);
        float[] features = EngineTestData.Uniform(random, rows * featureCount, 1f);
        float[] labels = Enumerable.Range(0, rows).Select(_ => random.Next(2) == 0 ? -1f : 1f).ToArray();
        float[] exampleWeights = Enumerable.Range(0, rows).Select(_ => (float)random.NextDouble() + 0.5f).ToArray();
        var settings = new PerceptronLearnerSettings(0.1f, 12, batchSize, Shuffle: true, lossThreshold,
            InitialWeightsDiameter: 0.5f, Seed: 9, keepBestWeights, averageWeights);

        PerceptronResult actual = PerceptronLearner.Train(settings, features, featureCount, rows, labels, exampleWeights, null, 0f);
        PerceptronResult expected = ReferenceTrain(settings, features, featureCount, rows, labels, exampleWeights);

        Assert.Equal(expected.LossPerIteration, actual.LossPerIteration);
        if (averageWeights)
        {
            // The learner sums lazily in float; the reference adds every step's weights in double.
            for (int i = 0; i < featureCount; i++)
                Assert.Equal(expected.Weights[i], actual.Weights[i], 1e-4f);
            Assert.Equal(expected.Bias, actual.Bias, 1e-4f);
        }
        else
        {
            Assert.Equal(expected.Weights, actual.Weights);
            Assert.Equal(expected.Bias, actual.Bias);
        }
        Assert.Equal(expected.BestIteration, actual.BestIteration);
        Assert.Equal(expected.Converged, actual.Converged);
        Assert.Equal(lossThreshold > 0, actual.LossPerIteration.Length < settings.NumberOfIterations);
    }

    /// <summary>
    /// One-hot rows of three categories: the first only positive, the last only negative, the middle one negative four
    /// times in five. On such rows scores of exactly 0 are common, and the averaged perceptron must still give each
    /// category its majority label, whichever label that is: a row on the boundary has to count as a mistake for
    /// either label, or the middle category, resting at 0 and pushed up by each positive, averages to positive.
    /// </summary>
    [Theory]
    [InlineData(0, false)]
    [InlineData(1, false)]
    [InlineData(2, false)]
    [InlineData(3, false)]
    [InlineData(0, true)]
    [InlineData(1, true)]
    [InlineData(2, true)]
    [InlineData(3, true)]
    public void The_averaged_perceptron_gives_each_category_of_one_hot_rows_its_majority_label(int seed, bool flipLabels)
    {
        const int rows = 300, categories = 3;
        var random = new Random(seed);
        float[] features = new float[rows * categories];
        float[] labels = new float[rows];
        int[] positives = new int[categories], counts = new int[categories];
        for (int row = 0; row < rows; row++)
        {
            bool positive = random.NextDouble() < 0.5;
            int category = positive ? (random.NextDouble() < 0.8 ? 0 : 1) : (random.NextDouble() < 0.8 ? 1 : 2);
            features[row * categories + category] = 1;
            labels[row] = positive != flipLabels ? 1f : -1f;
            counts[category]++;
            positives[category] += labels[row] > 0 ? 1 : 0;
        }
        var settings = new PerceptronLearnerSettings(1f, 100, BatchSize: 1, Shuffle: true, LossThreshold: 0,
            InitialWeightsDiameter: 0, Seed: seed, KeepBestWeights: false, AverageWeights: true);

        PerceptronResult result = PerceptronLearner.Train(settings, features, categories, rows, labels, null, null, 0f);

        for (int category = 0; category < categories; category++)
        {
            float majority = 2 * positives[category] > counts[category] ? 1f : -1f;
            Assert.True(PerceptronLearner.Sign(result.Weights[category] + result.Bias) == majority,
                $"category {category}: {positives[category]} of {counts[category]} rows positive, score {result.Weights[category] + result.Bias}");
        }
    }

    [Theory]
    [InlineData(1, false, false)]
    [InlineData(1, true, false)]
    [InlineData(1, false, true)]
    [InlineData(6, true, true)]
    [InlineData(0, false, true)]
    public void Sparse_rows_train_exactly_as_the_same_rows_stored_densely(int batchSize, bool keepBestWeights, bool averageWeights)
    {
        const int rows = 150, featureCount = 40;
        var random = new Random(11);
        // Small integers keep every product and sum of training exact in float, so the order in which each storage
        // adds up a dot product cannot change the weights: any difference there is a bug. Averaged weights are not
        // integers, so a pass's loss under them may differ by one row whose score is within round-off of 0.
        float[] dense = new float[rows * featureCount];
        for (int i = 0; i < dense.Length; i++)
            dense[i] = random.Next(7) == 0 ? random.Next(-2, 4) : 0;
        float[] labels = Enumerable.Range(0, rows).Select(_ => random.Next(2) == 0 ? -1f : 1f).ToArray();
        float[] exampleWeights = Enumerable.Range(0, rows).Select(_ => (float)random.Next(1, 3)).ToArray();
        var settings = new PerceptronLearnerSettings(1f, 15, batchSize, Shuffle: true, LossThreshold: 0,
            InitialWeightsDiameter: 0, Seed: 4, keepBestWeights, averageWeights);

        PerceptronResult fromDense = PerceptronLearner.Train(settings, dense, featureCount, rows, labels, exampleWeights, null, 0f);
        PerceptronResult fromSparse = PerceptronLearner.Train(settings, ToSparse(dense, featureCount, rows), labels, exampleWeights, null, 0f);

        AssertSameTraining(fromDense, fromSparse, averageWeights);
    }

    [Theory]
    [InlineData(1, false, false, 1f)]
    [InlineData(1, true, true, 2f)]
    [InlineData(1, false, true, 3f)]
    [InlineData(6, true, true, 1f)]
    [InlineData(0, false, true, 2f)]
    public void Byte_coded_rows_train_exactly_as_the_same_rows_stored_as_floats(int batchSize, bool keepBestWeights, bool averageWeights, float step)
    {
        const int rows = 150, featureCount = 37;
        var random = new Random(13);
        // As for sparse rows: whole-number values and steps keep training exact in float, whatever the summing order.
        byte[] codes = new byte[rows * featureCount];
        for (int i = 0; i < codes.Length; i++)
            codes[i] = (byte)(random.Next(3) == 0 ? random.Next(0, 6) : 0);
        float[] dense = codes.Select(code => code * step).ToArray();
        float[] labels = Enumerable.Range(0, rows).Select(_ => random.Next(2) == 0 ? -1f : 1f).ToArray();
        float[] exampleWeights = Enumerable.Range(0, rows).Select(_ => (float)random.Next(1, 3)).ToArray();
        var settings = new PerceptronLearnerSettings(1f, 15, batchSize, Shuffle: true, LossThreshold: 0,
            InitialWeightsDiameter: 0, Seed: 4, keepBestWeights, averageWeights);

        PerceptronResult fromDense = PerceptronLearner.Train(settings, dense, featureCount, rows, labels, exampleWeights, null, 0f);
        PerceptronResult fromCodes = PerceptronLearner.Train(settings, new QuantizedRowMatrix(featureCount, rows, codes, step), labels, exampleWeights, null, 0f);

        AssertSameTraining(fromDense, fromCodes, averageWeights);
    }

    [Fact]
    public void Byte_coded_pixels_train_as_the_same_pixels_scaled_to_floats()
    {
        const int rows = 300, featureCount = 64;
        var random = new Random(17);
        byte[] pixels = new byte[rows * featureCount];
        random.NextBytes(pixels);
        float[] dense = pixels.Select(p => p / 255f).ToArray();
        // A label the pixels decide, up to noise, so that training moves the weights for many passes.
        float[] labels = Enumerable.Range(0, rows).Select(r =>
            pixels.AsSpan(r * featureCount, 8).ToArray().Sum(p => p) + random.Next(-150, 150) > 8 * 127.5 ? 1f : -1f).ToArray();
        var settings = new PerceptronLearnerSettings(0.5f, 20, 1, Shuffle: true, LossThreshold: 0,
            InitialWeightsDiameter: 0.2f, Seed: 2, KeepBestWeights: false, AverageWeights: true);

        PerceptronResult fromDense = PerceptronLearner.Train(settings, dense, featureCount, rows, labels, null, null, 0f);
        PerceptronResult fromCodes = PerceptronLearner.Train(settings, new QuantizedRowMatrix(featureCount, rows, pixels, 1f / 255), labels, null, null, 0f);

        // The decoded values are within one float of the originals, and the products summed in another order: the
        // same mistakes in every pass, and weights equal up to round-off.
        Assert.Equal(fromDense.LossPerIteration, fromCodes.LossPerIteration);
        float largest = fromDense.Weights.Max(MathF.Abs);
        for (int j = 0; j < featureCount; j++)
            Assert.True(MathF.Abs(fromDense.Weights[j] - fromCodes.Weights[j]) <= 1e-4f * largest, $"weight {j}: {fromCodes.Weights[j]} against {fromDense.Weights[j]}");
        Assert.Equal(fromDense.Bias, fromCodes.Bias, 1e-4f * largest);
    }

    [Theory]
    [InlineData("dense", false)]
    [InlineData("dense", true)]
    [InlineData("sparse", false)]
    [InlineData("sparse", true)]
    [InlineData("codes", false)]
    [InlineData("codes", true)]
    public void Features_whose_scores_overflow_float_train_as_the_same_features_at_a_smaller_scale(string storage, bool averageWeights)
    {
        const int rows = 150, featureCount = 37;
        var random = new Random(21);
        // Whole numbers of a power-of-two step: every product and float sum of the smaller run is exact, and the larger
        // run is the smaller one times 2⁴⁰ exactly, until its scores (near 2¹⁴⁰) overflow float. The bias (a few
        // thousand at most) never decides a sign at either scale, so the same rows are mistakes in both.
        byte[] codes = new byte[rows * featureCount];
        for (int i = 0; i < codes.Length; i++)
            codes[i] = (byte)(random.Next(3) == 0 ? random.Next(0, 6) : 0);
        float[] labels = Enumerable.Range(0, rows).Select(_ => random.Next(2) == 0 ? -1f : 1f).ToArray();
        var settings = new PerceptronLearnerSettings(1f, 15, 1, Shuffle: true, LossThreshold: 0,
            InitialWeightsDiameter: 0, Seed: 4, KeepBestWeights: false, averageWeights);
        const float smallStep = 1 << 20, scale = 1L << 40;

        PerceptronResult small = Train(smallStep);
        PerceptronResult large = Train(smallStep * scale);

        Assert.Equal(small.Weights.Select(w => w * scale), large.Weights);
        Assert.Equal(small.Bias, large.Bias);
        if (!averageWeights)
            Assert.Equal(small.LossPerIteration, large.LossPerIteration);
        else
            Assert.All(small.LossPerIteration.Zip(large.LossPerIteration), pair => Assert.InRange(Math.Abs(pair.First - pair.Second), 0, 4 * 2));
        Assert.True(small.LossPerIteration[^1] < 4.0 * rows / 2, $"the smaller run's last loss {small.LossPerIteration[^1]} is no better than chance");

        PerceptronResult Train(float step)
        {
            float[] dense = codes.Select(code => code * step).ToArray();
            return storage switch
            {
                "dense" => PerceptronLearner.Train(settings, dense, featureCount, rows, labels, null, null, 0f),
                "sparse" => PerceptronLearner.Train(settings, ToSparse(dense, featureCount, rows), labels, null, null, 0f),
                _ => PerceptronLearner.Train(settings, new QuantizedRowMatrix(featureCount, rows, codes, step), labels, null, null, 0f),
            };
        }
    }

    [Fact]
    public void A_byte_coded_matrix_with_too_few_codes_or_a_bad_step_is_rejected()
    {
        Assert.Equal(2, new QuantizedRowMatrix(3, 2, new byte[6], 0.5f).RowCount);
        Assert.Equal(2, new QuantizedRowMatrix(3, 2, new byte[8], 0.5f).RowCount);
        Assert.Throws<ArgumentException>(() => new QuantizedRowMatrix(3, 2, new byte[5], 0.5f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new QuantizedRowMatrix(0, 2, new byte[6], 0.5f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new QuantizedRowMatrix(3, 0, new byte[6], 0.5f));
        foreach (float step in new[] { 0f, -0.5f, float.NaN, float.PositiveInfinity })
            Assert.Throws<ArgumentOutOfRangeException>(() => new QuantizedRowMatrix(3, 2, new byte[6], step));
    }

    /// <summary>
    /// The same weights, pocket choice and convergence. Averaged weights are not integers, so a pass's loss under them
    /// may differ by one row whose score is within round-off of 0.
    /// </summary>
    private static void AssertSameTraining(PerceptronResult expected, PerceptronResult actual, bool averageWeights)
    {
        Assert.Equal(expected.Weights, actual.Weights);
        Assert.Equal(expected.Bias, actual.Bias);
        Assert.Equal(expected.BestIteration, actual.BestIteration);
        Assert.Equal(expected.Converged, actual.Converged);
        if (!averageWeights)
            Assert.Equal(expected.LossPerIteration, actual.LossPerIteration);
        else
            Assert.All(expected.LossPerIteration.Zip(actual.LossPerIteration), pair => Assert.InRange(Math.Abs(pair.First - pair.Second), 0, 4 * 2));
    }

    [Fact]
    public void A_sparse_matrix_with_bad_starts_indices_or_values_is_rejected()
    {
        Assert.Equal(2, new SparseRowMatrix(3, 2, [0, 1, 3], [2, 0, 1], [1f, 2f, 3f]).RowCount);
        Assert.Throws<ArgumentException>(() => new SparseRowMatrix(3, 2, [0, 1], [2, 0, 1], [1f, 2f, 3f]));
        Assert.Throws<ArgumentException>(() => new SparseRowMatrix(3, 2, [1, 1, 3], [2, 0, 1], [1f, 2f, 3f]));
        Assert.Throws<ArgumentException>(() => new SparseRowMatrix(3, 2, [0, 2, 1], [2, 0, 1], [1f, 2f, 3f]));
        Assert.Throws<ArgumentException>(() => new SparseRowMatrix(3, 2, [0, 1, 4], [2, 0, 1], [1f, 2f, 3f]));
        Assert.Throws<ArgumentException>(() => new SparseRowMatrix(3, 2, [0, 1, 3], [2, 1, 0], [1f, 2f, 3f]));
        Assert.Throws<ArgumentException>(() => new SparseRowMatrix(3, 2, [0, 1, 3], [3, 0, 1], [1f, 2f, 3f]));
        Assert.Throws<ArgumentException>(() => new SparseRowMatrix(3, 2, [0, 1, 3], [2, 0, 1], [1f, float.NaN, 3f]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SparseRowMatrix(0, 2, [0, 1, 3], [2, 0, 1], [1f, 2f, 3f]));
    }

    private static SparseRowMatrix ToSparse(float[] dense, int featureCount, int rows)
    {
        var starts = new int[rows + 1];
        var indices = new List<int>();
        var values = new List<float>();
        for (int row = 0; row < rows; row++)
        {
            for (int j = 0; j < featureCount; j++)
            {
                if (dense[row * featureCount + j] != 0)
                {
                    indices.Add(j);
                    values.Add(dense[row * featureCount + j]);
                }
            }
            starts[row + 1] = indices.Count;
        }
        return new SparseRowMatrix(featureCount, rows, starts, [.. indices], [.. values]);
    }

    /// <summary>
    /// The definition, written plainly: train a pass, then score every row with the pass's end weights, or with the
    /// mean of the weights after every step so far (each row in pattern mode, each batch otherwise) when averaging.
    /// </summary>
    private static PerceptronResult ReferenceTrain(PerceptronLearnerSettings settings, float[] features, int featureCount,
        int rowCount, float[] labels, float[] exampleWeights)
    {
        var random = new Random(settings.Seed);
        float[] weights = Enumerable.Range(0, featureCount).Select(_ => (float)((random.NextDouble() - 0.5) * settings.InitialWeightsDiameter)).ToArray();
        float bias = (float)((random.NextDouble() - 0.5) * settings.InitialWeightsDiameter);
        int batchSize = settings.BatchSize == 0 ? rowCount : settings.BatchSize;
        int[] order = Enumerable.Range(0, rowCount).ToArray();
        var losses = new List<double>();
        double bestLoss = double.PositiveInfinity;
        int bestIteration = 0;
        float[] bestWeights = new float[featureCount];
        float bestBias = 0;
        bool converged = false;
        double[] stepWeightSum = new double[featureCount];
        double stepBiasSum = 0;
        long steps = 0;
        void StepDone()
        {
            for (int i = 0; i < featureCount; i++)
                stepWeightSum[i] += weights[i];
            stepBiasSum += bias;
            steps++;
        }
        // A row on the boundary (score 0) is a mistake for either label.
        float Error(int row, float[] w, float b)
        {
            float score = TensorPrimitives.Dot(w, features.AsSpan(row * featureCount, featureCount)) + b;
            float y = score > 0 ? 1f : score < 0 ? -1f : -labels[row];
            return labels[row] - y;
        }
        for (int iteration = 1; iteration <= settings.NumberOfIterations && !converged; iteration++)
        {
            random.Shuffle(order);
            for (int start = 0; start < rowCount; start += batchSize)
            {
                // Pattern mode updates at once; batch mode sums the batch's updates against fixed weights.
                float[] updated = batchSize == 1 ? weights : new float[featureCount];
                float pendingBias = 0;
                for (int position = start; position < Math.Min(start + batchSize, rowCount); position++)
                {
                    int row = order[position];
                    float error = Error(row, weights, bias);
                    if (error != 0)
                    {
                        float step = settings.LearningRate * error * exampleWeights[row];
                        TensorPrimitives.MultiplyAdd(features.AsSpan(row * featureCount, featureCount), step, updated, updated);
                        if (batchSize == 1)
                            bias += step;
                        else
                            pendingBias += step;
                    }
                    // In pattern mode every row is a step, whether or not it updated.
                    if (batchSize == 1)
                        StepDone();
                }
                if (batchSize != 1)
                {
                    TensorPrimitives.Add(weights, updated, weights);
                    bias += pendingBias;
                    StepDone();
                }
            }
            float[] passWeights = weights;
            float passBias = bias;
            if (settings.AverageWeights)
            {
                passWeights = stepWeightSum.Select(sum => (float)(sum / steps)).ToArray();
                passBias = (float)(stepBiasSum / steps);
            }
            double Loss(float[] w, float b)
            {
                double sum = 0;
                for (int row = 0; row < rowCount; row++)
                    sum += (double)exampleWeights[row] * Error(row, w, b) * Error(row, w, b);
                return sum;
            }
            double loss = Loss(passWeights, passBias);
            // When only the latest weights reach the threshold, training has converged on them.
            if (settings.AverageWeights && loss > settings.LossThreshold && Loss(weights, bias) <= settings.LossThreshold)
                (passWeights, passBias, loss) = (weights, bias, Loss(weights, bias));
            losses.Add(loss);
            converged = loss <= settings.LossThreshold;
            if (loss < bestLoss || !settings.KeepBestWeights)
            {
                (bestLoss, bestIteration, bestBias) = (loss, iteration, passBias);
                passWeights.CopyTo(bestWeights, 0);
            }
        }
        return new PerceptronResult(bestWeights, bestBias, losses.ToArray(), converged, bestIteration);
    }
}
