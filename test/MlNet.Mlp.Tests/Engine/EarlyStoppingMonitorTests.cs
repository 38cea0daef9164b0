using MlNet.Mlp.Engine;
using Xunit;

namespace MlNet.Mlp.Tests.Engine;

public class EarlyStoppingMonitorTests
{
    [Fact]
    public void LossMetricCountsOnlyDecreasesBeyondTheMinimumImprovement()
    {
        var monitor = new EarlyStoppingMonitor(EarlyStoppingMetric.Loss, minImprovement: 0.01);
        Assert.True(monitor.Observe(1, 1.0, 0.5));
        Assert.False(monitor.Observe(2, 0.995, 0.9));
        Assert.True(monitor.Observe(3, 0.98, 0.1));
        Assert.Equal(3, monitor.BestEpoch);
        Assert.Equal(0, monitor.EpochsWithoutImprovement);
    }

    [Fact]
    public void AccuracyMetricFollowsAccuracyAndBreaksTiesByLoss()
    {
        var monitor = new EarlyStoppingMonitor(EarlyStoppingMetric.Accuracy, minImprovement: 1e-4);
        Assert.True(monitor.Observe(1, 0.7, 0.80));
        Assert.True(monitor.Observe(2, 0.9, 0.85));   // loss rose, accuracy rose: better
        Assert.False(monitor.Observe(3, 0.5, 0.84));  // loss fell, accuracy fell: not better
        Assert.True(monitor.Observe(4, 0.6, 0.85));   // same accuracy as the best at a lower loss
        Assert.False(monitor.Observe(5, 0.6, 0.85));  // a full tie
        Assert.Equal(4, monitor.BestEpoch);
        Assert.Equal(1, monitor.EpochsWithoutImprovement);
    }

    [Fact]
    public void AccuracyMetricWithoutAccuracyFallsBackToTheLoss()
    {
        var monitor = new EarlyStoppingMonitor(EarlyStoppingMetric.Accuracy, minImprovement: 0);
        Assert.True(monitor.Observe(1, 2.0, null));
        Assert.False(monitor.Observe(2, 3.0, null));
        Assert.True(monitor.Observe(3, 1.0, null));
    }

    [Fact]
    public void TrainingWithTheAccuracyMetricKeepsTheEpochOfBestValidationAccuracy()
    {
        var random = new Random(9);
        const int rows = 200;
        float[] x = EngineTestData.Uniform(random, rows * 2, 1f);
        var y = new float[rows];
        for (int i = 0; i < rows; i++)
            y[i] = x[2 * i] * x[2 * i + 1] + 0.3f * (float)(random.NextDouble() - 0.5) > 0 ? 1 : 0;
        MlpNetwork initial = MlpNetwork.CreateInitialized(2, [8], Activation.Tanh, 1, Activation.Sigmoid, seed: 1);
        var options = new TrainingOptions
        {
            Loss = LossFunction.SigmoidCrossEntropy, EarlyStoppingMetric = EarlyStoppingMetric.Accuracy, EarlyStopping = true,
            EarlyStoppingPatience = 5, NumberOfIterations = 60, LearningRate = 0.05f, Seed = 3,
        };
        TrainingReport report = new MlpTrainer(options).Train(initial, new TrainingData(x, 2, y)).Report;
        double best = report.Epochs.Max(e => e.ValidationAccuracy!.Value);
        Assert.Equal(best, report.Epochs[report.BestEpoch - 1].ValidationAccuracy!.Value);
        Assert.True(report.RestoredBestWeights || report.BestEpoch == report.EpochCount);
    }
}
