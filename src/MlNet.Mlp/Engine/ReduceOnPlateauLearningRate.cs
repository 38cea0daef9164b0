namespace MlNet.Mlp.Engine;

/// <summary>
/// η_t starts at η and is multiplied by <c>factor</c> (never below <c>minimum</c>) whenever the monitored loss has not
/// fallen below its best by more than <c>minImprovement</c> for <c>patience</c> epochs in a row; the count then starts
/// again. Keras's ReduceLROnPlateau; scikit-learn's <c>learning_rate='adaptive'</c> is factor 0.2 after 2 epochs.
/// </summary>
public sealed class ReduceOnPlateauLearningRate : LearningRateSchedule
{
    private readonly float factor;
    private readonly int patience;
    private readonly double minImprovement;
    private readonly float minimum;
    private float rate;
    private double best = double.PositiveInfinity;
    private int epochsWithoutImprovement;

    /// <summary>Starts at <paramref name="learningRate"/>; see the class for the other parameters.</summary>
    public ReduceOnPlateauLearningRate(float learningRate, float factor, int patience, double minImprovement, float minimum)
    {
        rate = learningRate;
        this.factor = factor;
        this.patience = patience;
        this.minImprovement = minImprovement;
        this.minimum = minimum;
    }

    /// <inheritdoc/>
    public override float RateAt(int step) => rate;

    /// <inheritdoc/>
    public override void EpochEnded(int epoch, double monitoredLoss)
    {
        if (monitoredLoss < best - minImprovement)
        {
            best = monitoredLoss;
            epochsWithoutImprovement = 0;
            return;
        }
        if (++epochsWithoutImprovement >= patience)
        {
            rate = Math.Max(minimum, rate * factor);
            epochsWithoutImprovement = 0;
        }
    }
}
