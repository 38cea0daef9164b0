using MlNet.Mlp.Engine;
using Xunit;

namespace MlNet.Mlp.Tests.Engine;

public class OptimizerAndRegularizationTests
{
    /// <summary>Linear least squares with features on scales 1 and 0.1: convex but ill-conditioned, so plain SGD
    /// crawls along the flat direction.</summary>
    private static TrainingData IllConditionedRegression()
    {
        var random = new Random(4);
        const int n = 64;
        var x = new float[n * 2];
        var y = new float[n];
        for (int i = 0; i < n; i++)
        {
            x[2 * i] = (float)(random.NextDouble() * 2 - 1);
            x[2 * i + 1] = (float)(random.NextDouble() * 2 - 1) * 0.1f;
            y[i] = 2f * x[2 * i] - 5f * x[2 * i + 1] + 0.5f;
        }
        return new TrainingData(x, 2, y);
    }

    private static double FinalLoss(OptimizerKind kind, float momentum, bool nesterov)
    {
        var options = new TrainingOptions
        {
            Optimizer = kind, LearningRate = 0.5f, Momentum = momentum, UseNesterovMomentum = nesterov,
            BatchSize = 64, NumberOfIterations = 300, Shuffle = false, L2Regularization = 0f, EarlyStopping = false,
        };
        MlpNetwork initial = MlpNetwork.CreateInitialized(2, [], Activation.Identity, 1, Activation.Identity, seed: 3);
        return new MlpTrainer(options).Train(initial, IllConditionedRegression()).Report.Epochs[^1].TrainingLoss;
    }

    [Fact]
    public void MomentumNesterovAndAdamBeatPlainSgdAtTheSameLearningRate()
    {
        double sgd = FinalLoss(OptimizerKind.Sgd, 0f, false);
        double momentum = FinalLoss(OptimizerKind.Sgd, 0.9f, false);
        double nesterov = FinalLoss(OptimizerKind.Sgd, 0.9f, true);
        double adam = FinalLoss(OptimizerKind.Adam, 0f, false);
        Assert.True(momentum < sgd / 100, $"momentum {momentum} vs SGD {sgd}");
        Assert.True(nesterov < sgd / 100, $"Nesterov {nesterov} vs SGD {sgd}");
        Assert.True(adam < sgd / 100, $"Adam {adam} vs SGD {sgd}");
    }

    [Fact]
    public void L2StepShrinksWeightsExactlyAsTheFormulaSays()
    {
        const float eta = 0.1f, lambda = 0.5f;
        var random = new Random(2);
        float[] x = EngineTestData.Uniform(random, 6 * 3, 1f);
        float[] y = EngineTestData.Uniform(random, 6 * 2, 1f);
        MlpNetwork initial = MlpNetwork.CreateInitialized(3, [4], Activation.Tanh, 2, Activation.Identity, seed: 5);

        // The data gradient g (no L2) at the initial weights, one full batch.
        var backpropagation = new Backpropagation(initial.Clone(), LossFunction.SquaredError, 6, 0f, 0f, 1);
        backpropagation.Forward(x, 6, training: true);
        backpropagation.Loss(y, [], 6, computeGradient: true);
        backpropagation.Backward(x, 6, 0f);

        var options = new TrainingOptions
        {
            Optimizer = OptimizerKind.Sgd, LearningRate = eta, Momentum = 0f, L2Regularization = lambda, BatchSize = 6, NumberOfIterations = 1, Shuffle = false, EarlyStopping = false,
        };
        MlpNetwork trained = new MlpTrainer(options).Train(initial, new TrainingData(x, 3, y)).Network;

        for (int l = 0; l < 2; l++)
        {
            ReadOnlySpan<float> w = initial.Layers[l].Weights, b = initial.Layers[l].Bias;
            for (int i = 0; i < w.Length; i++)
                Assert.Equal(w[i] - eta * (backpropagation.WeightGradients[l][i] + lambda * w[i]), trained.Layers[l].Weights[i], 1e-6f);
            for (int j = 0; j < b.Length; j++) // biases are not regularised
                Assert.Equal(b[j] - eta * backpropagation.BiasGradients[l][j], trained.Layers[l].Bias[j], 1e-6f);
        }
    }

    [Fact]
    public void L2WithZeroDataGradientDecaysWeightsGeometrically()
    {
        // Targets equal to the predictions give g = 0, so each step is w ← w − η·λ·w = (1 − ηλ)·w.
        MlpNetwork initial = MlpNetwork.CreateInitialized(2, [], Activation.Identity, 1, Activation.Identity, seed: 1);
        float[] x = [1, 2, -1, 0.5f];
        var y = new float[2];
        initial.Predict(x, 2, y);
        var options = new TrainingOptions { Optimizer = OptimizerKind.Sgd, LearningRate = 0.1f, Momentum = 0f, L2Regularization = 1f, BatchSize = 2, NumberOfIterations = 1, EarlyStopping = false };
        MlpNetwork trained = new MlpTrainer(options).Train(initial, new TrainingData(x, 2, y)).Network;
        for (int i = 0; i < 2; i++)
            Assert.Equal(0.9f * initial.Layers[0].Weights[i], trained.Layers[0].Weights[i], 1e-6f);
    }

    [Fact]
    public void InvertedDropoutKeepsTheExpectedActivation()
    {
        const int rows = 20000;
        const float rate = 0.5f;
        // Identity layers with all-ones output weights: the output is the sum of the (dropped) hidden units.
        var hidden = new DenseLayer(2, 8, Activation.Identity, EngineTestData.Uniform(new Random(1), 16, 1f), new float[8]);
        var output = new DenseLayer(8, 1, Activation.Identity, Enumerable.Repeat(1f, 8).ToArray(), [0f]);
        var network = new MlpNetwork([hidden, output]);
        float[] x = Enumerable.Range(0, rows).SelectMany(_ => new[] { 0.7f, -0.4f }).ToArray();
        var expected = new float[1];
        network.Predict(x.AsSpan(0, 2), expected);

        var backpropagation = new Backpropagation(network, LossFunction.SquaredError, rows, rate, 0f, 1);
        backpropagation.SampleMasks(new DeterministicRandom(9, DeterministicRandom.Stream.Masks), rows);
        backpropagation.Forward(x, rows, training: true);
        float[] outputs = backpropagation.Outputs[..rows].ToArray();
        double mean = outputs.Average(o => (double)o);
        double spread = outputs.Max() - outputs.Min();

        double hiddenScale = hidden.Weights.ToArray().Select(Math.Abs).Sum();
        Assert.True(spread > 0.1 * hiddenScale, "Training-mode outputs should vary: units are being dropped.");
        Assert.Equal(expected[0], mean, 0.02 * hiddenScale);
    }
}
