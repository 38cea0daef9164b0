using MlNet.Mlp.Engine;
using Xunit;

namespace MlNet.Mlp.Tests.Engine;

/// <summary>
/// Backpropagated gradients against central finite differences (J(θ+h) − J(θ−h))/2h of the batch objective
/// J = Σ w_i L_i / Σ w_i + ½λ‖W‖², evaluated in float with h = 1e−3 and compared with tolerance
/// 5e−4 + 2e−2·|g|: float rounding of J (~1e−7) over 2h gives ~5e−5 of noise, truncation error is O(h²). Biases are
/// randomised so ReLU/hard-tanh units do not sit on their kinks, where the difference quotient is meaningless.
/// </summary>
public class GradientCheckTests
{
    private const int Rows = 5;
    private const int Inputs = 3;
    private const float Step = 1e-3f;

    public static TheoryData<Activation, LossFunction, Activation, int> ActivationLossDepthCases()
    {
        var cases = new TheoryData<Activation, LossFunction, Activation, int>();
        (LossFunction, Activation)[] heads =
        [
            (LossFunction.SquaredError, Activation.Identity),
            (LossFunction.SquaredError, Activation.Sigmoid),
            (LossFunction.SquaredError, Activation.Tanh),
            (LossFunction.SquaredError, Activation.Softmax),
            (LossFunction.SoftmaxCrossEntropy, Activation.Softmax),
            (LossFunction.SigmoidCrossEntropy, Activation.Sigmoid),
            (LossFunction.Perceptron, Activation.Identity),
        ];
        Activation[] hidden = [Activation.Identity, Activation.Sigmoid, Activation.Tanh, Activation.Relu, Activation.HardTanh];
        int depth = 1;
        foreach (var (loss, output) in heads)
            foreach (Activation activation in hidden)
                cases.Add(activation, loss, output, depth++ % 3 + 1);
        return cases;
    }

    [Theory]
    [MemberData(nameof(ActivationLossDepthCases))]
    public void GradientMatchesFiniteDifferences(Activation hidden, LossFunction loss, Activation output, int hiddenLayers)
    {
        CheckGradient(hidden, loss, output, hiddenLayers, l2: 0f, dropout: 0f, dropConnect: 0f, weighted: false);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void GradientMatchesWithL2DropoutDropConnectAndExampleWeights(int hiddenLayers)
    {
        CheckGradient(Activation.Tanh, LossFunction.SoftmaxCrossEntropy, Activation.Softmax, hiddenLayers, l2: 0.3f, dropout: 0f, dropConnect: 0f, weighted: false);
        CheckGradient(Activation.Sigmoid, LossFunction.SquaredError, Activation.Identity, hiddenLayers, l2: 0f, dropout: 0.4f, dropConnect: 0f, weighted: false);
        CheckGradient(Activation.Relu, LossFunction.SigmoidCrossEntropy, Activation.Sigmoid, hiddenLayers, l2: 0f, dropout: 0f, dropConnect: 0.3f, weighted: false);
        CheckGradient(Activation.Tanh, LossFunction.SquaredError, Activation.Sigmoid, hiddenLayers, l2: 0.1f, dropout: 0.3f, dropConnect: 0.2f, weighted: true);
    }

    [Theory]
    [InlineData(LossFunction.SoftmaxCrossEntropy, Activation.Softmax)]
    [InlineData(LossFunction.SigmoidCrossEntropy, Activation.Sigmoid)]
    public void GradientMatchesWithLabelSmoothing(LossFunction loss, Activation output)
    {
        CheckGradient(Activation.Tanh, loss, output, 2, l2: 0f, dropout: 0f, dropConnect: 0f, weighted: true, smoothing: 0.2f);
    }

    [Fact]
    public void SmoothedSoftmaxCrossEntropyIsTheCrossEntropyOfTheSmoothedTargets()
    {
        float[] logits = [1f, -0.5f, 2f];
        double[] p = logits.Select(a => Math.Exp(a)).ToArray();
        double total = p.Sum();
        const float epsilon = 0.3f;
        double expected = -Enumerable.Range(0, 3).Sum(j => (epsilon / 3 + (j == 1 ? 1 - epsilon : 0)) * Math.Log(p[j] / total));
        var network = new MlpNetwork([new DenseLayer(3, 3, Activation.Softmax, [1, 0, 0, 0, 1, 0, 0, 0, 1], [0, 0, 0])]);
        var backpropagation = new Backpropagation(network, LossFunction.SoftmaxCrossEntropy, 1, 0f, 0f, 1, labelSmoothing: epsilon);
        backpropagation.Forward(logits, 1, training: false);
        var (loss, _) = backpropagation.Loss([1f], [], 1, computeGradient: false);
        Assert.Equal(expected, loss, 5);
    }

    [Fact]
    public void ExampleWeightTwoEqualsDuplicatingTheExample()
    {
        var random = new Random(3);
        MlpNetwork network = MlpNetwork.CreateInitialized(Inputs, [4], Activation.Tanh, 2, Activation.Identity, seed: 8);
        float[] x = EngineTestData.Uniform(random, 3 * Inputs, 1f);
        float[] y = EngineTestData.Uniform(random, 3 * 2, 1f);
        float[] duplicatedX = [.. x, .. x.AsSpan(0, Inputs)];
        float[] duplicatedY = [.. y, .. y.AsSpan(0, 2)];

        float[][] weighted = Gradients(network, x, y, [2f, 1f, 1f], 3);
        float[][] duplicated = Gradients(network, duplicatedX, duplicatedY, [], 4);
        for (int b = 0; b < weighted.Length; b++)
            for (int i = 0; i < weighted[b].Length; i++)
                Assert.Equal(duplicated[b][i], weighted[b][i], 1e-6f);
    }

    private static float[][] Gradients(MlpNetwork network, float[] x, float[] y, float[] weights, int rows)
    {
        var backpropagation = new Backpropagation(network, LossFunction.SquaredError, rows, 0f, 0f, 1);
        backpropagation.Forward(x, rows, training: true);
        backpropagation.Loss(y, weights, rows, computeGradient: true);
        backpropagation.Backward(x, rows, 0f);
        return backpropagation.WeightGradients.Zip(backpropagation.BiasGradients, (w, b) => w.Concat(b).ToArray()).ToArray();
    }

    private static void CheckGradient(Activation hidden, LossFunction loss, Activation output, int hiddenLayers,
        float l2, float dropout, float dropConnect, bool weighted, float smoothing = 0f)
    {
        int outputs = loss == LossFunction.Perceptron ? 1 : loss == LossFunction.SigmoidCrossEntropy ? 2 : 3;
        int seed = (int)hidden * 100 + (int)loss * 10 + hiddenLayers;
        var random = new Random(seed);
        int[] sizes = Enumerable.Range(0, hiddenLayers).Select(l => 4 + l % 2).ToArray();
        MlpNetwork network = MlpNetwork.CreateInitialized(Inputs, sizes, hidden, outputs, output, seed);
        // Non-zero biases: with zero biases a ReLU unit fed only by dead units sits exactly on its kink, where the
        // finite difference sees half the slope.
        foreach (DenseLayer layer in network.Layers)
            EngineTestData.Uniform(random, layer.OutputCount, 0.5f).CopyTo(layer.BiasArray, 0);
        float[] x = EngineTestData.Uniform(random, Rows * Inputs, 1.5f);
        float[] y = EngineTestData.Targets(random, loss, output, Rows, outputs);
        float[] weights = weighted ? Enumerable.Range(0, Rows).Select(i => 0.5f + i).ToArray() : [];

        var backpropagation = new Backpropagation(network, loss, Rows, dropout, dropConnect, 1, smoothing);
        backpropagation.SampleMasks(new DeterministicRandom(seed, DeterministicRandom.Stream.Masks), Rows);
        backpropagation.Forward(x, Rows, training: true);
        backpropagation.Loss(y, weights, Rows, computeGradient: true);
        backpropagation.Backward(x, Rows, l2);

        for (int l = 0; l < network.Layers.Count; l++)
        {
            DenseLayer layer = network.Layers[l];
            CompareBlock(layer.WeightArray, backpropagation.WeightGradients[l], $"W{l}");
            CompareBlock(layer.BiasArray, backpropagation.BiasGradients[l], $"b{l}");
        }

        void CompareBlock(float[] parameters, float[] analytic, string block)
        {
            for (int i = 0; i < parameters.Length; i++)
            {
                float original = parameters[i];
                parameters[i] = original + Step;
                double plus = Objective();
                parameters[i] = original - Step;
                double minus = Objective();
                parameters[i] = original;
                double numeric = (plus - minus) / (2 * Step);
                double tolerance = 5e-4 + 2e-2 * Math.Abs(numeric);
                Assert.True(Math.Abs(numeric - analytic[i]) <= tolerance,
                    $"{hidden}/{loss}/{output}/{hiddenLayers} hidden, {block}[{i}]: backprop {analytic[i]}, finite difference {numeric}.");
            }
        }

        double Objective()
        {
            backpropagation.Forward(x, Rows, training: true);
            var (weightedLoss, weightSum) = backpropagation.Loss(y, weights, Rows, computeGradient: false);
            double penalty = network.Layers.Sum(layer => layer.WeightArray.Sum(w => (double)w * w));
            return weightedLoss / weightSum + 0.5 * l2 * penalty;
        }
    }
}
