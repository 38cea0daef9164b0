namespace MlNet.Mlp.Engine;

/// <summary>
/// Tracks the best epoch by an <see cref="EarlyStoppingMetric"/> and how many epochs have passed without an
/// improvement: by more than the minimum improvement, a lower loss, or a higher accuracy; with the accuracy metric a
/// tie in accuracy counts when the loss improves, since accuracy on a small validation set moves in coarse steps.
/// </summary>
internal sealed class EarlyStoppingMonitor(EarlyStoppingMetric metric, double minImprovement)
{
    private double bestLoss = double.PositiveInfinity;
    private double bestAccuracy = double.NegativeInfinity;

    public int BestEpoch { get; private set; }

    public int EpochsWithoutImprovement { get; private set; }

    /// <summary>Records an epoch's figures; true when it is the new best.</summary>
    /// <param name="epoch">The 1-based epoch.</param>
    /// <param name="loss">The monitored loss: on the validation set, or the training loss without one.</param>
    /// <param name="accuracy">The validation accuracy, or null (then the loss decides whatever the metric).</param>
    public bool Observe(int epoch, double loss, double? accuracy)
    {
        bool improved = metric == EarlyStoppingMetric.Accuracy && accuracy is { } a
            ? a > bestAccuracy + minImprovement || (a >= bestAccuracy && loss < bestLoss - minImprovement)
            : loss < bestLoss - minImprovement;
        if (!improved)
        {
            EpochsWithoutImprovement++;
            return false;
        }
        bestLoss = loss;
        if (accuracy is { } value)
            bestAccuracy = value;
        BestEpoch = epoch;
        EpochsWithoutImprovement = 0;
        return true;
    }
}
