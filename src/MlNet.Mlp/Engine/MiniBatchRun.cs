namespace MlNet.Mlp.Engine;

/// <summary>
/// Mini-batch training: per epoch, shuffle (seeded), then for each mini-batch gather → masks → forward → loss →
/// backward → an optimiser step at the schedule's learning rate.
/// </summary>
internal sealed class MiniBatchRun : TrainingRun
{
    private readonly Optimizer optimizer;
    private readonly LearningRateSchedule schedule;
    private readonly DeterministicRandom shuffleRandom;
    private readonly DeterministicRandom maskRandom;
    private readonly int[] order;

    public MiniBatchRun(TrainingOptions options, MlpNetwork network, DataSubset trainingSet, DataSubset? validationSet)
        : base(options, network, trainingSet, validationSet, Math.Min(options.BatchSize, trainingSet.Count))
    {
        optimizer = options.CreateOptimizer(network);
        int stepsPerEpoch = (trainingSet.Count + Backpropagation.MaxRows - 1) / Backpropagation.MaxRows;
        schedule = options.CreateSchedule(stepsPerEpoch);
        shuffleRandom = new DeterministicRandom(options.Seed, DeterministicRandom.Stream.Shuffle);
        maskRandom = new DeterministicRandom(options.Seed, DeterministicRandom.Stream.Masks);
        order = Enumerable.Range(0, trainingSet.Count).ToArray();
    }

    /// <summary>One pass over the shuffled training set; returns the weighted mean mini-batch loss.</summary>
    protected override double RunEpoch(int epoch, Action? checkAlive, CancellationToken cancellationToken)
    {
        if (Options.Shuffle)
            shuffleRandom.Shuffle(order);
        double lossSum = 0, weightSum = 0;
        for (int start = 0; start < order.Length; start += Backpropagation.MaxRows)
        {
            checkAlive?.Invoke();
            cancellationToken.ThrowIfCancellationRequested();
            int rows = Math.Min(Backpropagation.MaxRows, order.Length - start);
            (double batchLoss, double batchWeight) = TrainBatch(order.AsSpan(start, rows), epoch);
            lossSum += batchLoss;
            weightSum += batchWeight;
        }
        if (!Network.ParametersAreFinite())
            throw new TrainingDivergedException(epoch, double.NaN, Options.LearningRate);
        return lossSum / weightSum;
    }

    protected override void EpochEnded(int epoch, double monitoredLoss) => schedule.EpochEnded(epoch, monitoredLoss);

    /// <summary>gather → masks → forward → loss → backward → update, for one mini-batch.</summary>
    private (double WeightedLoss, double WeightSum) TrainBatch(ReadOnlySpan<int> positions, int epoch)
    {
        int rows = positions.Length;
        var (features, targets, weights) = Gather(TrainingSet, positions);
        Backpropagation.SampleMasks(maskRandom, rows);
        Backpropagation.Forward(features.Span, rows, training: true);
        var (weightedLoss, weightSum) = Backpropagation.Loss(targets.Span, weights.Span, rows, computeGradient: true);
        if (!double.IsFinite(weightedLoss))
            throw new TrainingDivergedException(epoch, weightedLoss, Options.LearningRate);
        optimizer.BeginStep(schedule.RateAt(optimizer.StepCount + 1), Backpropagation.NumberOfThreads);
        Backpropagation.BackwardAndUpdate(features.Span, rows, Options.L2Regularization, optimizer);
        return (weightedLoss, weightSum);
    }
}
