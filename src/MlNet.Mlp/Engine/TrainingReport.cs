namespace MlNet.Mlp.Engine;

/// <summary>Why training stopped.</summary>
public enum StopReason
{
    /// <summary>All <see cref="TrainingOptions.MaxEpochs"/> epochs ran.</summary>
    MaxEpochs,
    /// <summary>The validation loss did not improve by more than the tolerance for <see cref="TrainingOptions.Patience"/> epochs.</summary>
    EarlyStopping,
    /// <summary>The epoch's training loss fell to <see cref="TrainingOptions.TargetLoss"/> or below.</summary>
    TargetLossReached,
}

/// <summary>One epoch's numbers, also passed to the per-epoch callback.</summary>
/// <param name="Epoch">1-based epoch number.</param>
/// <param name="TrainingLoss">Weighted mean loss of the epoch's mini-batches, as seen while training (with dropout,
/// weights changing from batch to batch), without the L2 penalty.</param>
/// <param name="ValidationLoss">Weighted mean loss on the validation set at the end of the epoch (inference mode), or null without one.</param>
/// <param name="ValidationAccuracy">Weighted fraction of validation examples classified correctly, for classification losses with a validation set; else null.</param>
/// <param name="Elapsed">Wall time of the epoch, validation included.</param>
public readonly record struct EpochSummary(int Epoch, double TrainingLoss, double? ValidationLoss, double? ValidationAccuracy, TimeSpan Elapsed);

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

    /// <summary>Number of epochs run.</summary>
    public int EpochCount => Epochs.Count;

    /// <summary>Epoch with the lowest validation loss (training loss without a validation set).</summary>
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
