using MlNet.Mlp.Engine;
using Xunit;

namespace MlNet.Mlp.Tests.Engine;

public class TrainingOptionsTests
{
    public static TheoryData<TrainingOptions, string> BadOptions() => new()
    {
        { new TrainingOptions { LearningRateSchedule = LearningRateScheduleKind.Cosine, NumberOfIterations = 10, WarmupEpochs = 10 }, "WarmupEpochs" },
        { new TrainingOptions { WarmupEpochs = -1 }, "WarmupEpochs" },
        { new TrainingOptions { MinimumLearningRateFraction = 1.5f }, "MinimumLearningRateFraction" },
        { new TrainingOptions { LearningRateDecayFactor = 1f }, "LearningRateDecayFactor" },
        { new TrainingOptions { LearningRatePatience = 0 }, "LearningRatePatience" },
        { new TrainingOptions { WeightDecay = -0.1f }, "WeightDecay" },
        { new TrainingOptions { LabelSmoothing = 1f }, "LabelSmoothing" },
        { new TrainingOptions { EarlyStoppingMinImprovement = double.NaN }, "EarlyStoppingMinImprovement" },
        { new TrainingOptions { MaximumFunctionEvaluations = 0 }, "MaximumFunctionEvaluations" },
        { new TrainingOptions { Optimizer = OptimizerKind.Lbfgs, DropConnectRate = 0.2f }, "DropConnectRate" },
        { new TrainingOptions { Optimizer = (OptimizerKind)17 }, "Optimizer" },
        { new TrainingOptions { EarlyStoppingMetric = (EarlyStoppingMetric)3 }, "EarlyStoppingMetric" },
        { new TrainingOptions { NumberOfThreads = 0 }, "NumberOfThreads" },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void EachBadValueIsNamedWithTheValue(TrainingOptions options, string option)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(options.Validate);
        Assert.Equal(option, error.ParamName);
        Assert.Contains(option, error.Message);
    }

    [Fact]
    public void TheDefaultsAreTheDeclaredOnesAndValid()
    {
        var options = new TrainingOptions();
        options.Validate();
        Assert.Equal(TrainingDefaults.LearningRate, options.LearningRate);
        Assert.Equal(TrainingDefaults.Optimizer, options.Optimizer);
        Assert.Equal(TrainingDefaults.NumberOfIterations, options.NumberOfIterations);
        Assert.Equal(TrainingDefaults.EarlyStoppingPatience, options.EarlyStoppingPatience);
        Assert.Equal(TrainingDefaults.L2Regularization, options.L2Regularization);
    }

    [Fact]
    public void AccuracyMetricOnANetworkWithoutClassesGoesByTheLoss()
    {
        MlpNetwork regression = MlpNetwork.CreateInitialized(2, [3], Activation.Tanh, 1, Activation.Identity, seed: 1);
        var data = new TrainingData([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20], 2, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
        TrainingOptions byAccuracy = new() { EarlyStoppingMetric = EarlyStoppingMetric.Accuracy, EarlyStopping = false, NumberOfIterations = 5 };
        TrainingReport accuracy = new MlpTrainer(byAccuracy).Train(regression, data).Report;
        TrainingReport loss = new MlpTrainer(byAccuracy with { EarlyStoppingMetric = EarlyStoppingMetric.Loss }).Train(regression, data).Report;
        Assert.Equal(loss.BestEpoch, accuracy.BestEpoch);
        Assert.Equal(loss.TrainingLosses, accuracy.TrainingLosses);
    }
}
