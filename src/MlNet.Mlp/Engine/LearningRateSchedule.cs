namespace MlNet.Mlp.Engine;

/// <summary>
/// The learning rate η_t of each optimiser step: the training loop asks <see cref="RateAt"/> before every step and
/// calls <see cref="EpochEnded"/> after every epoch with the figure early stopping watches (scikit-learn's
/// <c>iteration_ends</c>), so that a schedule may react to progress. One instance serves one training run.
/// </summary>
public abstract class LearningRateSchedule
{
    /// <summary>η for step <paramref name="step"/> (1 for the first mini-batch of the run).</summary>
    public abstract float RateAt(int step);

    /// <summary>
    /// Called after each epoch with the monitored loss (the validation loss, or the training loss without a validation
    /// set): lower is better. Nothing by default.
    /// </summary>
    public virtual void EpochEnded(int epoch, double monitoredLoss)
    {
    }
}
