namespace MlNet.Mlp.Engine;

/// <summary>Why training stopped. The values are saved in model files and fixed: a test pins them.</summary>
public enum StopReason
{
    /// <summary>All <see cref="TrainingOptions.NumberOfIterations"/> epochs ran.</summary>
    MaxEpochs = 0,
    /// <summary>The monitored validation figure did not improve for <see cref="TrainingOptions.EarlyStoppingPatience"/> epochs.</summary>
    EarlyStopping = 1,
    /// <summary>The epoch's training loss fell to <see cref="TrainingOptions.TargetLoss"/> or below.</summary>
    TargetLossReached = 2,
    /// <summary>L-BFGS converged: the gradient vanished or the loss stopped decreasing.</summary>
    Converged = 3,
    /// <summary>L-BFGS used up <see cref="TrainingOptions.MaximumFunctionEvaluations"/>.</summary>
    FunctionEvaluationLimit = 4,
}

/// <summary>One epoch's numbers, also passed to the per-epoch callback.</summary>
/// <param name="Epoch">1-based epoch number.</param>
/// <param name="TrainingLoss">Weighted mean loss of the epoch's mini-batches, as seen while training (with dropout,
/// weights changing from batch to batch), without the L2 penalty; for L-BFGS, the loss at the iteration's new weights.</param>
/// <param name="ValidationLoss">Weighted mean loss on the validation set at the end of the epoch (inference mode), or null without one.</param>
/// <param name="ValidationAccuracy">Weighted fraction of validation examples classified correctly, for classification losses with a validation set; else null.</param>
/// <param name="Elapsed">Wall time of the epoch, validation included.</param>
public readonly record struct EpochSummary(int Epoch, double TrainingLoss, double? ValidationLoss, double? ValidationAccuracy, TimeSpan Elapsed)
{
    /// <summary>Which ensemble member (0-based) the epoch belongs to (members may train side by side, so reports of different members interleave). 0 for a single network.</summary>
    public int Member { get; init; }
}

/// <summary>What happened during <see cref="MlpTrainer.Train"/>.</summary>
public sealed class TrainingReport
{
    internal TrainingReport(IReadOnlyList<EpochSummary> epochs, int bestEpoch, StopReason stopReason, bool restoredBestWeights, int validationExampleCount)
    {
        Epochs = epochs;
        BestEpoch = bestEpoch;
        StopReason = stopReason;
        RestoredBestWeights = restoredBestWeights;
        ValidationExampleCount = validationExampleCount;
    }

    /// <summary>Per-epoch numbers, in order.</summary>
    public IReadOnlyList<EpochSummary> Epochs { get; }

    /// <summary>This report with every epoch marked as ensemble member <paramref name="member"/>'s.</summary>
    internal TrainingReport ForMember(int member) =>
        new(Epochs.Select(epoch => epoch with { Member = member }).ToArray(), BestEpoch, StopReason, RestoredBestWeights, ValidationExampleCount);

    /// <summary>Number of epochs run.</summary>
    public int EpochCount => Epochs.Count;

    /// <summary>
    /// The best epoch as early stopping judges it (<see cref="TrainingOptions.EarlyStoppingMetric"/>): the last epoch
    /// that improved on the best before it by more than <see cref="TrainingOptions.EarlyStoppingMinImprovement"/>. With
    /// the Loss metric that is a lower validation loss; with the Accuracy metric (the classification trainers' default) a higher
    /// validation accuracy, or the same accuracy at a lower validation loss, so it need not be the epoch of the lowest
    /// validation loss. Without a validation set, or for a network without classes, the loss decides (the training
    /// loss when there is no validation set).
    /// </summary>
    public int BestEpoch { get; }

    /// <summary>Why training stopped.</summary>
    public StopReason StopReason { get; }

    /// <summary>Whether the returned network holds the <see cref="BestEpoch"/> weights rather than the last epoch's.</summary>
    public bool RestoredBestWeights { get; }

    /// <summary>Size of the validation set (given or split off); 0 without one.</summary>
    public int ValidationExampleCount { get; }

    /// <summary>Training loss per epoch.</summary>
    public IEnumerable<double> TrainingLosses => Epochs.Select(e => e.TrainingLoss);

    /// <summary>Validation loss per epoch (null entries without a validation set).</summary>
    public IEnumerable<double?> ValidationLosses => Epochs.Select(e => e.ValidationLoss);
}

/// <summary>The trained network and its report.</summary>
/// <param name="Network">The trained network (a new object; the initial network is untouched).</param>
/// <param name="Report">The training report.</param>
public sealed record TrainingResult(MlpNetwork Network, TrainingReport Report);
