using MlNet.Mlp.Engine;
using Xunit;

namespace MlNet.Mlp.Tests.Engine;

public class LearningRateScheduleTests
{
    [Fact]
    public void ConstantGivesTheSameRateAtEveryStep()
    {
        var schedule = new ConstantLearningRate(0.01f);
        schedule.EpochEnded(1, 5.0);
        Assert.All(new[] { 1, 2, 1000 }, step => Assert.Equal(0.01f, schedule.RateAt(step)));
    }

    [Fact]
    public void CosineWarmsUpLinearlyThenFollowsTheHalfCosineToTheFloor()
    {
        const float peak = 0.1f, floor = 0.001f;
        var schedule = new CosineLearningRate(peak, warmupSteps: 10, totalSteps: 110, floor);
        Assert.Equal(peak * 1 / 10, schedule.RateAt(1), 1e-7f);
        Assert.Equal(peak * 5 / 10, schedule.RateAt(5), 1e-7f);
        Assert.Equal(peak, schedule.RateAt(10), 1e-7f);
        // Half-way through the decay the cosine term is 0: the rate is the mean of peak and floor.
        Assert.Equal((peak + floor) / 2, schedule.RateAt(60), 1e-7f);
        Assert.Equal(floor + 0.5f * (peak - floor) * (1 + MathF.Cos(MathF.PI * 25 / 100)), schedule.RateAt(35), 1e-6f);
        Assert.Equal(floor, schedule.RateAt(110), 1e-7f);
        Assert.Equal(floor, schedule.RateAt(500), 1e-7f);
        for (int step = 11; step < 110; step++)
            Assert.True(schedule.RateAt(step + 1) <= schedule.RateAt(step));
    }

    [Fact]
    public void CosineWithoutWarmupStartsAtThePeak()
    {
        var schedule = new CosineLearningRate(0.5f, warmupSteps: 0, totalSteps: 4, minimum: 0f);
        Assert.Equal(0.5f * 0.5f * (1 + MathF.Cos(MathF.PI / 4)), schedule.RateAt(1), 1e-6f);
        Assert.Equal(0f, schedule.RateAt(4), 1e-7f);
    }

    [Fact]
    public void CosineRejectsAWarmupThatLeavesNothingToDecay()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new CosineLearningRate(0.1f, warmupSteps: 10, totalSteps: 10, 0f));
        Assert.Contains("warm-up", error.Message);
    }

    [Fact]
    public void ReduceOnPlateauMultipliesAfterPatienceEpochsWithoutImprovementAndStopsAtTheFloor()
    {
        var schedule = new ReduceOnPlateauLearningRate(1f, factor: 0.5f, patience: 2, minImprovement: 0.01, minimum: 0.2f);
        schedule.EpochEnded(1, 1.0);
        schedule.EpochEnded(2, 0.9);     // improved
        schedule.EpochEnded(3, 0.895);   // not by more than 0.01
        Assert.Equal(1f, schedule.RateAt(1));
        schedule.EpochEnded(4, 0.95);    // second epoch without improvement: halve
        Assert.Equal(0.5f, schedule.RateAt(100));
        schedule.EpochEnded(5, 0.8);     // improved: the count starts again
        schedule.EpochEnded(6, 0.8);
        Assert.Equal(0.5f, schedule.RateAt(100));
        schedule.EpochEnded(7, 0.8);
        Assert.Equal(0.25f, schedule.RateAt(100));
        schedule.EpochEnded(8, 0.8);
        schedule.EpochEnded(9, 0.8);
        Assert.Equal(0.2f, schedule.RateAt(100));
    }

    [Fact]
    public void TrainingOptionsBuildTheScheduleTheyName()
    {
        var cosine = new TrainingOptions { LearningRate = 0.2f, LearningRateSchedule = LearningRateScheduleKind.Cosine, NumberOfIterations = 10, WarmupEpochs = 1, MinimumLearningRateFraction = 0.1f };
        LearningRateSchedule schedule = cosine.CreateSchedule(stepsPerEpoch: 5);
        Assert.IsType<CosineLearningRate>(schedule);
        Assert.Equal(0.2f, schedule.RateAt(5), 1e-7f);
        Assert.Equal(0.02f, schedule.RateAt(50), 1e-7f);
        Assert.IsType<ReduceOnPlateauLearningRate>(new TrainingOptions { LearningRateSchedule = LearningRateScheduleKind.ReduceOnPlateau }.CreateSchedule(3));
        Assert.IsType<ConstantLearningRate>(new TrainingOptions { LearningRateSchedule = LearningRateScheduleKind.Constant }.CreateSchedule(3));
    }

    [Fact]
    public void TheOptimiserUsesTheScheduledRateOfEveryStep()
    {
        // Plain SGD on one weight with a constant gradient: each step moves it by exactly η_t·g.
        var optimizer = new SgdOptimizer([1], learningRate: 1f);
        float[] w = [0f];
        float[] g = [2f];
        var schedule = new CosineLearningRate(1f, warmupSteps: 2, totalSteps: 6, minimum: 0f);
        float expected = 0f;
        for (int step = 1; step <= 6; step++)
        {
            optimizer.BeginStep(schedule.RateAt(step));
            optimizer.Update(0, w, g);
            expected -= schedule.RateAt(step) * 2f;
            Assert.Equal(expected, w[0], 1e-6f);
        }
    }
}
