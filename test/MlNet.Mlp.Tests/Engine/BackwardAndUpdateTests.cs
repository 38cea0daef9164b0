using MlNet.Mlp.Engine;
using Xunit;

namespace MlNet.Mlp.Tests.Engine;

/// <summary>
/// The training step's backward pass with the optimiser's step inside it (weights stepped in the weight gradients'
/// epilogues, each layer as soon as the layer below has its δ) leaves the parameters, the gradients and so the whole
/// run bit for bit as the backward pass followed by a separate optimiser pass over every block.
/// </summary>
public class BackwardAndUpdateTests
{
    public static TheoryData<string, int> Settings()
    {
        var data = new TheoryData<string, int>();
        foreach (string setting in new[] { "sgd", "sgd momentum l2", "nesterov l2", "adam", "adam l2", "adamw l2", "sgd momentum dropout l2",
                     "adam dropconnect l2", "nesterov dropout dropconnect" })
        {
            foreach (int threads in new[] { 1, 2 })
                data.Add(setting, threads);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Settings))]
    public void Stepping_inside_the_backward_pass_gives_the_bits_of_a_separate_optimiser_pass(string setting, int threads)
    {
        // 64 and 48 inputs fill whole vectors of every width, so those layers step in their products; the last layer's 24
        // inputs do only for 8-wide vectors, and take the separate pass with 16-wide ones.
        const int rows = 150, features = 64, outputs = 5;
        var random = new Random(9);
        float[] x = EngineTestData.Uniform(random, rows * features, 1f);
        float[] targets = EngineTestData.Targets(random, LossFunction.SoftmaxCrossEntropy, Activation.Softmax, rows, outputs);
        float l2 = setting.Contains("l2") ? 1e-3f : 0f;
        float dropout = setting.Contains("dropout") ? 0.2f : 0f, dropConnect = setting.Contains("dropconnect") ? 0.1f : 0f;
        MlpNetwork fused = MlpNetwork.CreateInitialized(features, [48, 24], Activation.Relu, outputs, Activation.Softmax, seed: 4);
        MlpNetwork separate = fused.Clone();
        var fusedRun = new Step(fused, setting, rows, dropout, dropConnect, threads);
        var separateRun = new Step(separate, setting, rows, dropout, dropConnect, threads);

        for (int step = 1; step <= 3; step++)
        {
            float rate = 0.05f / step; // a schedule's changing rate reaches both forms alike
            fusedRun.Begin(x, targets, rows, rate);
            fusedRun.Backpropagation.BackwardAndUpdate(x, rows, l2, fusedRun.Optimizer);
            separateRun.Begin(x, targets, rows, rate);
            separateRun.Backpropagation.Backward(x, rows, l2);
            for (int l = 0; l < separate.Layers.Count; l++)
            {
                separateRun.Optimizer.Update(2 * l, separate.Layers[l].WeightArray, separateRun.Backpropagation.WeightGradients[l]);
                separateRun.Optimizer.Update(2 * l + 1, separate.Layers[l].BiasArray, separateRun.Backpropagation.BiasGradients[l]);
            }
            for (int l = 0; l < separate.Layers.Count; l++)
            {
                Assert.Equal(separateRun.Backpropagation.WeightGradients[l], fusedRun.Backpropagation.WeightGradients[l]);
                Assert.Equal(separateRun.Backpropagation.BiasGradients[l], fusedRun.Backpropagation.BiasGradients[l]);
            }
            Assert.Equal(EngineTestData.Parameters(separate), EngineTestData.Parameters(fused));
        }
        Assert.NotEqual(EngineTestData.Parameters(MlpNetwork.CreateInitialized(features, [48, 24], Activation.Relu, outputs, Activation.Softmax, seed: 4)),
            EngineTestData.Parameters(fused));
    }

    /// <summary>One side of the comparison: its network's buffers, optimiser and mask stream.</summary>
    private sealed class Step(MlpNetwork network, string setting, int rows, float dropout, float dropConnect, int threads)
    {
        private readonly DeterministicRandom masks = new(7, DeterministicRandom.Stream.Masks);

        public Backpropagation Backpropagation { get; } = new(network, LossFunction.SoftmaxCrossEntropy, rows, dropout, dropConnect, threads);

        public Optimizer Optimizer { get; } = CreateOptimizer(network, setting);

        public void Begin(float[] x, float[] targets, int batchRows, float rate)
        {
            Optimizer.BeginStep(rate, threads);
            Backpropagation.SampleMasks(masks, batchRows);
            Backpropagation.Forward(x, batchRows, training: true);
            Backpropagation.Loss(targets, ReadOnlySpan<float>.Empty, batchRows, computeGradient: true);
        }

        private static Optimizer CreateOptimizer(MlpNetwork network, string setting)
        {
            int[] blocks = Optimizer.ParameterBlockSizes(network);
            if (setting.StartsWith("adamw", StringComparison.Ordinal))
                return new AdamOptimizer(blocks, 0.05f, weightDecay: 0.01f, decayedBlocks: Optimizer.WeightBlocks(network));
            if (setting.StartsWith("adam", StringComparison.Ordinal))
                return new AdamOptimizer(blocks, 0.05f);
            return new SgdOptimizer(blocks, 0.05f, momentum: setting.Contains("momentum") || setting.Contains("nesterov") ? 0.9f : 0f,
                nesterov: setting.Contains("nesterov"));
        }
    }
}
