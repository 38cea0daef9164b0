using MlNet.Mlp.Engine;
using Xunit;

namespace MlNet.Mlp.Tests.Engine;

public class TrainingLoopTests
{
    /// <summary>Three Gaussian blobs in 4 dimensions, class index targets.</summary>
    private static TrainingData Blobs(int n, int seed)
    {
        var random = new Random(seed);
        var x = new float[n * 4];
        var y = new float[n];
        for (int i = 0; i < n; i++)
        {
            int label = i % 3;
            y[i] = label;
            for (int j = 0; j < 4; j++)
                x[i * 4 + j] = (j == label ? 1.5f : 0f) + (float)(random.NextDouble() * 2 - 1);
        }
        return new TrainingData(x, 4, y);
    }

    private static MlpNetwork ClassifierNetwork(int seed) =>
        MlpNetwork.CreateInitialized(4, [16, 8], Activation.Relu, 3, Activation.Softmax, seed);

    [Fact]
    public void Arrays_longer_than_the_example_count_train_exactly_as_trimmed_ones()
    {
        TrainingData exact = Blobs(90, 3);
        var weights = Enumerable.Range(0, 90).Select(i => 0.5f + i % 4).ToArray();
        exact = new TrainingData(exact.Features, 4, exact.Targets, weights);
        // The tails hold what a grown-but-unfilled array may hold, and values the checks would reject if they read them.
        float[] features = [.. exact.Features, .. Enumerable.Repeat(float.NaN, 13 * 4)];
        float[] targets = [.. exact.Targets, .. Enumerable.Repeat(99f, 13)];
        float[] longWeights = [.. weights, .. Enumerable.Repeat(-1f, 13)];
        var longer = new TrainingData(features, 4, 90, targets, 1, longWeights);
        var options = new TrainingOptions
        {
            Loss = LossFunction.SoftmaxCrossEntropy, LearningRate = 0.01f, BatchSize = 16, NumberOfIterations = 4,
            EarlyStopping = true, ValidationFraction = 0.2f, Seed = 5,
        };
        float[] fromExact = EngineTestData.Parameters(new MlpTrainer(options).Train(ClassifierNetwork(2), exact).Network);
        float[] fromLonger = EngineTestData.Parameters(new MlpTrainer(options).Train(ClassifierNetwork(2), longer).Network);
        Assert.Equal(fromExact, fromLonger);
    }

    [Fact]
    public void An_example_count_beyond_the_arrays_or_a_bad_value_within_it_is_rejected()
    {
        float[] features = [1, 2, 3, 4, 5, 6];
        Assert.Throws<ArgumentException>(() => new TrainingData(features, 2, 4, [0, 1, 0, 1], 1));
        Assert.Throws<ArgumentException>(() => new TrainingData(features, 2, 3, [0, 1], 1));
        Assert.Throws<ArgumentException>(() => new TrainingData(features, 2, 3, [0, 1, 0], 1, [1, 1]));
        Assert.Throws<ArgumentException>(() => new TrainingData([1, float.NaN, 3, 4], 2, 1, [0], 1));
        Assert.Throws<ArgumentException>(() => new TrainingData(features, 2, 2, [0, 1], 1, [1, -2]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TrainingData(features, 2, 0, [0], 1));
        Assert.Equal(2, new TrainingData(features, 2, 2, [0, 1, 7], 1, [1, 1, -5]).ExampleCount);
        // The exact-length form keeps rejecting arrays with values beyond the last example.
        Assert.Throws<ArgumentException>(() => new TrainingData(features, 2, [0, 1, 0], [1, 1, 1, 1]));
    }

    [Fact]
    public void SameSeedGivesBitIdenticalWeightsWithOneTwoAndFourThreads()
    {
        float[]? reference = null;
        foreach (int threads in new[] { 1, 2, 4 })
        {
            var options = new TrainingOptions
            {
                Loss = LossFunction.SoftmaxCrossEntropy, LearningRate = 0.01f, BatchSize = 16, NumberOfIterations = 5,
                DropoutRate = 0.2f, DropConnectRate = 0.1f, L2Regularization = 1e-3f, Seed = 42, NumberOfThreads = threads,
            };
            float[] weights = EngineTestData.Parameters(new MlpTrainer(options).Train(ClassifierNetwork(7), Blobs(150, 1)).Network);
            if (reference is null)
                reference = weights;
            else
                Assert.Equal(reference, weights); // exact float equality
        }
    }

    [Fact]
    public void SameSeedSameInitialWeightsDifferentSeedDifferentWeights()
    {
        Assert.Equal(EngineTestData.Parameters(ClassifierNetwork(3)), EngineTestData.Parameters(ClassifierNetwork(3)));
        Assert.NotEqual(EngineTestData.Parameters(ClassifierNetwork(3)), EngineTestData.Parameters(ClassifierNetwork(4)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(1000)]
    public void AnyBatchSizeLearnsTheBlobs(int batchSize)
    {
        var options = new TrainingOptions { Loss = LossFunction.SoftmaxCrossEntropy, LearningRate = 0.01f, BatchSize = batchSize, NumberOfIterations = batchSize == 1000 ? 200 : 20 };
        TrainingResult result = new MlpTrainer(options).Train(ClassifierNetwork(1), Blobs(150, 2), validation: Blobs(90, 3));
        Assert.True(result.Report.Epochs[^1].TrainingLoss < result.Report.Epochs[0].TrainingLoss);
        Assert.True(result.Report.Epochs[^1].ValidationAccuracy > 0.8, $"accuracy {result.Report.Epochs[^1].ValidationAccuracy}");
    }

    [Fact]
    public void EarlyStoppingRestoresTheBestEpochsWeights()
    {
        // Random targets: the network can only memorise noise, so the validation loss soon rises.
        var random = new Random(5);
        var training = new TrainingData(EngineTestData.Uniform(random, 40 * 3, 1f), 3, EngineTestData.Uniform(random, 40, 1f));
        var validation = new TrainingData(EngineTestData.Uniform(random, 40 * 3, 1f), 3, EngineTestData.Uniform(random, 40, 1f));
        var options = new TrainingOptions { LearningRate = 0.01f, BatchSize = 8, NumberOfIterations = 500, EarlyStopping = true, EarlyStoppingPatience = 5, EarlyStoppingMinImprovement = 0 };
        MlpNetwork initial = MlpNetwork.CreateInitialized(3, [32], Activation.Tanh, 1, Activation.Identity, seed: 2);

        TrainingResult result = new MlpTrainer(options).Train(initial, training, validation);

        TrainingReport report = result.Report;
        Assert.Equal(StopReason.EarlyStopping, report.StopReason);
        Assert.Equal(report.BestEpoch + options.EarlyStoppingPatience, report.EpochCount);
        Assert.True(report.RestoredBestWeights);
        double best = report.Epochs[report.BestEpoch - 1].ValidationLoss!.Value;
        Assert.Equal(report.ValidationLosses.Min(), best);
        var predictions = new float[40];
        result.Network.Predict(validation.Features, 40, predictions);
        double loss = predictions.Select((p, i) => 0.5 * (p - validation.Targets[i]) * (p - validation.Targets[i])).Average();
        Assert.Equal(best, loss, 1e-5);
    }

    [Fact]
    public void EarlyStoppingWithoutValidationSetSplitsOffAStratifiedFifth()
    {
        var options = new TrainingOptions { Loss = LossFunction.SoftmaxCrossEntropy, NumberOfIterations = 1, EarlyStopping = true };
        TrainingReport report = new MlpTrainer(options).Train(ClassifierNetwork(1), Blobs(150, 2)).Report;
        Assert.Equal(30, report.ValidationExampleCount);

        (int[] training, int[] validation) = ValidationSplit.Split(150, 0.2f, i => i % 3, new DeterministicRandom(1, DeterministicRandom.Stream.ValidationSplit));
        Assert.Equal(120, training.Length);
        Assert.All(Enumerable.Range(0, 3), c => Assert.Equal(10, validation.Count(i => i % 3 == c)));
        Assert.Empty(training.Intersect(validation));
    }

    [Theory]
    [InlineData(150, 3, 0.2f)]
    [InlineData(100, 50, 0.2f)]
    [InlineData(450, 3, 0.0225f)]
    [InlineData(97, 7, 0.35f)]
    [InlineData(40, 0, 0.999f)]
    public void SplitSizesAreTheSizesTheSplitMakes(int count, int classes, float fraction)
    {
        Func<int, int>? classOf = classes > 0 ? i => i * 7 % classes : null;
        (int training, int validation) = ValidationSplit.Sizes(count, fraction, classOf);
        int expectedValidation;
        try
        {
            (int[] split, int[] held) = ValidationSplit.Split(count, fraction, classOf, new DeterministicRandom(2, DeterministicRandom.Stream.ValidationSplit));
            Assert.Equal(split.Length, training);
            expectedValidation = held.Length;
        }
        catch (ArgumentException)
        {
            // The split refuses to leave a side empty; the sizes say which.
            Assert.True(training == 0 || validation == 0);
            return;
        }
        Assert.Equal(expectedValidation, validation);
    }

    [Fact]
    public void DivergenceThrowsNamingTheEpochAndNeverReturnsNaNWeights()
    {
        var random = new Random(1);
        var data = new TrainingData(EngineTestData.Uniform(random, 50 * 2, 100f), 2, EngineTestData.Uniform(random, 50, 100f));
        var options = new TrainingOptions { Optimizer = OptimizerKind.Sgd, LearningRate = 10f, Momentum = 0.9f, BatchSize = 10, NumberOfIterations = 50 };
        MlpNetwork initial = MlpNetwork.CreateInitialized(2, [4], Activation.Identity, 1, Activation.Identity, seed: 1);

        var exception = Assert.Throws<TrainingDivergedException>(() => new MlpTrainer(options).Train(initial, data));

        Assert.Equal(1, exception.Epoch);
        Assert.Contains("epoch 1", exception.Message);
        Assert.Contains("lower learning rate", exception.Message);
        Assert.True(initial.ParametersAreFinite());
    }

    [Fact]
    public void CheckAliveRunsBeforeEveryMiniBatchAndItsExceptionStopsTraining()
    {
        var options = new TrainingOptions { Loss = LossFunction.SoftmaxCrossEntropy, BatchSize = 10, NumberOfIterations = 3, EarlyStopping = false };
        int calls = 0;
        new MlpTrainer(options).Train(ClassifierNetwork(1), Blobs(95, 2), checkAlive: () => calls++);
        Assert.Equal(3 * 10, calls);

        int batches = 0;
        Assert.Throws<OperationCanceledException>(() => new MlpTrainer(options).Train(ClassifierNetwork(1), Blobs(95, 2),
            checkAlive: () => { if (++batches == 4) throw new OperationCanceledException(); }));
        Assert.Equal(4, batches);

        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.Throws<OperationCanceledException>(() => new MlpTrainer(options).Train(ClassifierNetwork(1), Blobs(95, 2), cancellationToken: cancelled.Token));
    }

    [Fact]
    public void EpochCallbackSeesEveryEpochOfTheReport()
    {
        var options = new TrainingOptions { Loss = LossFunction.SoftmaxCrossEntropy, BatchSize = 16, NumberOfIterations = 4 };
        var seen = new List<EpochSummary>();
        TrainingReport report = new MlpTrainer(options).Train(ClassifierNetwork(1), Blobs(60, 2), Blobs(30, 3), epochCompleted: seen.Add).Report;
        Assert.Equal(report.Epochs, seen);
        Assert.Equal([1, 2, 3, 4], seen.Select(e => e.Epoch));
        Assert.All(seen, e => Assert.True(e.ValidationLoss.HasValue && e.ValidationAccuracy.HasValue && e.Elapsed > TimeSpan.Zero));
        Assert.Equal(StopReason.MaxEpochs, report.StopReason);
    }

    [Fact]
    public void WarmStartContinuesFromTheGivenWeightsAndLeavesThemUntouched()
    {
        var options = new TrainingOptions { Loss = LossFunction.SoftmaxCrossEntropy, LearningRate = 0.003f, BatchSize = 16, NumberOfIterations = 5 };
        var trainer = new MlpTrainer(options);
        TrainingResult first = trainer.Train(ClassifierNetwork(1), Blobs(150, 2));
        float[] firstWeights = EngineTestData.Parameters(first.Network);
        TrainingResult second = trainer.Train(first.Network, Blobs(150, 2));
        Assert.Equal(firstWeights, EngineTestData.Parameters(first.Network));
        Assert.True(second.Report.Epochs[0].TrainingLoss < first.Report.Epochs[0].TrainingLoss);
        Assert.True(second.Report.Epochs[^1].TrainingLoss < first.Report.Epochs[^1].TrainingLoss);
    }

    [Fact]
    public void TargetLossStopsTraining()
    {
        var options = new TrainingOptions { Loss = LossFunction.SoftmaxCrossEntropy, LearningRate = 0.01f, BatchSize = 16, NumberOfIterations = 500, TargetLoss = 0.3 };
        TrainingReport report = new MlpTrainer(options).Train(ClassifierNetwork(1), Blobs(150, 2)).Report;
        Assert.Equal(StopReason.TargetLossReached, report.StopReason);
        Assert.True(report.Epochs[^1].TrainingLoss <= 0.3 && report.Epochs.SkipLast(1).All(e => e.TrainingLoss > 0.3));
    }

    [Theory]
    [InlineData(nameof(TrainingOptions.LearningRate))]
    [InlineData(nameof(TrainingOptions.BatchSize))]
    [InlineData(nameof(TrainingOptions.DropoutRate))]
    [InlineData(nameof(TrainingOptions.Momentum))]
    [InlineData(nameof(TrainingOptions.ValidationFraction))]
    public void BadOptionsAreRejectedByName(string option)
    {
        TrainingOptions options = option switch
        {
            nameof(TrainingOptions.LearningRate) => new() { LearningRate = -1f },
            nameof(TrainingOptions.BatchSize) => new() { BatchSize = 0 },
            nameof(TrainingOptions.DropoutRate) => new() { DropoutRate = 1f },
            nameof(TrainingOptions.Momentum) => new() { Momentum = 1.5f },
            _ => new() { ValidationFraction = 0f },
        };
        var exception = Assert.Throws<ArgumentOutOfRangeException>(() => new MlpTrainer(options));
        Assert.Equal(option, exception.ParamName);
    }

    [Fact]
    public void MismatchedDataAndLossAreRejected()
    {
        var trainer = new MlpTrainer(new TrainingOptions { Loss = LossFunction.SoftmaxCrossEntropy });
        Assert.Throws<ArgumentException>(() => trainer.Train(ClassifierNetwork(1), new TrainingData([1, 2, 3, 4], 4, [3f])));
        Assert.Throws<ArgumentException>(() => trainer.Train(ClassifierNetwork(1), new TrainingData([1, 2, 3], 3, [0f])));
        Assert.Throws<ArgumentException>(() => new TrainingData([1, float.NaN, 3, 4], 4, [0f]));
    }

    [Fact]
    public void SingleRowAndBatchPredictionAgreeAndAreSafeConcurrently()
    {
        MlpNetwork network = ClassifierNetwork(9);
        TrainingData data = Blobs(64, 4);
        var batch = new float[64 * 3];
        network.Predict(data.Features, 64, batch);
        Parallel.For(0, 64, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            var row = new float[3];
            network.Predict(data.Features.AsSpan(i * 4, 4), row);
            for (int j = 0; j < 3; j++)
                Assert.Equal(batch[i * 3 + j], row[j], 1e-6f);
            Assert.Equal(1f, row.Sum(), 1e-5f);
        });
    }
}
