using MlNet.Mlp.Engine;
using Xunit;

namespace MlNet.Mlp.Tests.Engine;

/// <summary>The course notes' worked XOR examples, trained in pattern mode (batch size 1).</summary>
public class XorTests
{
    [Fact]
    public void TwoThreeTwoSigmoidNetworkLearnsTheTwoOutputTable()
    {
        // Inputs 00, 01, 10, 11 → targets 00, 01, 01, 10 (the two outputs are AND and XOR).
        float[] targets = [0, 0, 0, 1, 0, 1, 1, 0];
        var options = new TrainingOptions
        {
            Optimizer = OptimizerKind.Sgd, LearningRate = 0.5f, Momentum = 0.9f, BatchSize = 1,
            NumberOfIterations = 5000, TargetLoss = 0.005, Seed = 1, L2Regularization = 0f, EarlyStopping = false,
        };
        MlpNetwork initial = MlpNetwork.CreateInitialized(2, [3], Activation.Sigmoid, 2, Activation.Sigmoid, seed: 1);

        TrainingResult result = new MlpTrainer(options).Train(initial, new TrainingData(EngineTestData.XorInputs, 2, targets));

        Assert.Equal(StopReason.TargetLossReached, result.Report.StopReason);
        var output = new float[2];
        for (int i = 0; i < 4; i++)
        {
            result.Network.Predict(EngineTestData.XorInputs.AsSpan(2 * i, 2), output);
            Assert.Equal(targets[2 * i], MathF.Round(output[0]));
            Assert.Equal(targets[2 * i + 1], MathF.Round(output[1]));
        }
    }

    [Fact]
    public void TwoHiddenUnitsSolveXorForMostSeeds()
    {
        float[] targets = [0, 1, 1, 0];
        var data = new TrainingData(EngineTestData.XorInputs, 2, targets);
        int solved = 0;
        const int seeds = 10;
        for (int seed = 0; seed < seeds; seed++)
        {
            var options = new TrainingOptions
            {
                Loss = LossFunction.SquaredError, Optimizer = OptimizerKind.Sgd, LearningRate = 0.5f, Momentum = 0.9f,
                BatchSize = 1, NumberOfIterations = 2000, TargetLoss = 0.01, Seed = seed, L2Regularization = 0f, EarlyStopping = false,
            };
            MlpNetwork initial = MlpNetwork.CreateInitialized(2, [2], Activation.Sigmoid, 1, Activation.Sigmoid, seed);
            MlpNetwork network = new MlpTrainer(options).Train(initial, data).Network;
            if (Enumerable.Range(0, 4).All(i => Classify(network, i) == targets[i]))
                solved++;
        }
        // The 2-2-1 XOR network has well-known local minima (one pattern stuck at OR); with this setup 7 of these
        // 10 seeds escape them. Requiring a clear majority still fails if learning is broken.
        Assert.True(solved >= 6, $"Solved XOR for only {solved} of {seeds} seeds.");
    }

    private static float Classify(MlpNetwork network, int row)
    {
        var output = new float[1];
        network.Predict(EngineTestData.XorInputs.AsSpan(2 * row, 2), output);
        return output[0] >= 0.5f ? 1f : 0f;
    }
}
