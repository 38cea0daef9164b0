using System.Diagnostics;

namespace MlNet.Mlp.Engine;

/// <summary>
/// The epoch loop every solver shares: run an epoch (<see cref="RunEpoch"/>), measure the validation set, report, let
/// the early-stopping monitor judge the epoch (keeping the best weights), and stop on the first rule that fires.
/// One instance is one <see cref="MlpTrainer.Train"/> call; it owns a copy of the network and its buffers.
/// </summary>
internal abstract class TrainingRun
{
    private readonly float[] batchFeatures;
    private readonly float[] batchTargets;
    private readonly float[] batchWeights;
    private readonly bool classification;

    protected TrainingRun(TrainingOptions options, MlpNetwork network, DataSubset trainingSet, DataSubset? validationSet, int maxRows)
    {
        Options = options;
        Network = network;
        TrainingSet = trainingSet;
        ValidationSet = validationSet;
        Backpropagation = new Backpropagation(network, options.Loss, maxRows, options.DropoutRate, options.DropConnectRate,
            options.ThreadCount, options.LabelSmoothing);
        Sequential = Enumerable.Range(0, Math.Max(trainingSet.Count, validationSet?.Count ?? 0)).ToArray();
        classification = LossFunctions.IsClassification(options.Loss, network.OutputLayer.Activation, network.OutputCount);
        batchFeatures = new float[maxRows * network.InputCount];
        batchTargets = new float[maxRows * trainingSet.Data.TargetWidth];
        batchWeights = new float[maxRows];
    }

    protected TrainingOptions Options { get; }
    protected MlpNetwork Network { get; }
    protected DataSubset TrainingSet { get; }
    protected DataSubset? ValidationSet { get; }
    protected Backpropagation Backpropagation { get; }
    /// <summary>0, 1, …: the positions of a subset's rows in order, for reading any subset of the run in chunks.</summary>
    protected int[] Sequential { get; }

    /// <summary>One epoch of training; returns its training loss (see <see cref="EpochSummary.TrainingLoss"/>).</summary>
    protected abstract double RunEpoch(int epoch, Action? checkAlive, CancellationToken cancellationToken);

    /// <summary>Called after each epoch with the monitored loss (schedules react here). Nothing by default.</summary>
    protected virtual void EpochEnded(int epoch, double monitoredLoss)
    {
    }

    /// <summary>A solver's own reason to stop after the epoch just run, or null to go on.</summary>
    protected virtual StopReason? SolverStop => null;

    public TrainingResult Execute(Action<EpochSummary>? epochCompleted, Action? checkAlive, CancellationToken cancellationToken)
    {
        var epochs = new List<EpochSummary>();
        MlpNetwork? best = Options.EarlyStopping && Options.RestoreBestWeights ? Network.Clone() : null;
        var monitor = new EarlyStoppingMonitor(Options.EarlyStoppingMetric, Options.EarlyStoppingMinImprovement);
        StopReason reason = StopReason.MaxEpochs;
        for (int epoch = 1; epoch <= Options.NumberOfIterations; epoch++)
        {
            var clock = Stopwatch.StartNew();
            double trainingLoss = RunEpoch(epoch, checkAlive, cancellationToken);
            (double? validationLoss, double? validationAccuracy) = Validate(epoch);
            var summary = new EpochSummary(epoch, trainingLoss, validationLoss, validationAccuracy, clock.Elapsed);
            epochs.Add(summary);
            epochCompleted?.Invoke(summary);

            double monitored = validationLoss ?? trainingLoss;
            if (monitor.Observe(epoch, monitored, validationAccuracy))
                best?.CopyParametersFrom(Network);
            EpochEnded(epoch, monitored);
            if (trainingLoss <= Options.TargetLoss)
            {
                reason = StopReason.TargetLossReached;
                break;
            }
            if (Options.EarlyStopping && monitor.EpochsWithoutImprovement >= Options.EarlyStoppingPatience)
            {
                reason = StopReason.EarlyStopping;
                break;
            }
            if (SolverStop is { } stop)
            {
                reason = stop;
                break;
            }
        }
        bool restore = best is not null && monitor.BestEpoch != epochs.Count;
        if (restore)
            Network.CopyParametersFrom(best!);
        var report = new TrainingReport(epochs, monitor.BestEpoch, reason, restore, ValidationSet?.Count ?? 0);
        return new TrainingResult(Network, report);
    }

    /// <summary>Gathers the examples at <paramref name="positions"/> of <paramref name="subset"/> into the batch buffers.</summary>
    protected (ReadOnlyMemory<float> Features, ReadOnlyMemory<float> Targets, ReadOnlyMemory<float> Weights) Gather(DataSubset subset, ReadOnlySpan<int> positions)
    {
        int rows = positions.Length;
        subset.Gather(positions, batchFeatures, batchTargets, batchWeights, Options.ThreadCount);
        return (batchFeatures.AsMemory(0, rows * Network.InputCount), batchTargets.AsMemory(0, rows * subset.Data.TargetWidth),
            subset.Data.ExampleWeights is null ? ReadOnlyMemory<float>.Empty : batchWeights.AsMemory(0, rows));
    }

    /// <summary>Weighted mean loss, total weight and (for classification) weighted correct count of the current
    /// weights over <paramref name="subset"/>, in inference mode.</summary>
    private (double Loss, double WeightSum, double Correct) Measure(DataSubset subset)
    {
        double lossSum = 0, weightSum = 0, correct = 0;
        for (int start = 0; start < subset.Count; start += Backpropagation.MaxRows)
        {
            int rows = Math.Min(Backpropagation.MaxRows, subset.Count - start);
            var (features, targets, weights) = Gather(subset, Sequential.AsSpan(start, rows));
            Backpropagation.Forward(features.Span, rows, training: false);
            var (batchLoss, batchWeight) = Backpropagation.Loss(targets.Span, weights.Span, rows, computeGradient: false);
            lossSum += batchLoss;
            weightSum += batchWeight;
            if (classification)
                correct += Backpropagation.WeightedCorrect(targets.Span, weights.Span, rows);
        }
        return (lossSum / weightSum, weightSum, correct);
    }

    /// <summary>Weighted mean loss and (for classification) accuracy on the validation set, in inference mode.</summary>
    private (double? Loss, double? Accuracy) Validate(int epoch)
    {
        if (ValidationSet is null)
            return (null, null);
        (double loss, double weightSum, double correct) = Measure(ValidationSet);
        if (!double.IsFinite(loss))
            throw new TrainingDivergedException(epoch, loss, Options.LearningRate);
        return (loss, classification ? correct / weightSum : null);
    }
}
