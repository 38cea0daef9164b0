namespace MlNet.Mlp.Engine;

/// <summary>How the learning rate changes during training (see <see cref="LearningRateSchedule"/>). Values are fixed.</summary>
public enum LearningRateScheduleKind
{
    /// <summary>η throughout.</summary>
    Constant = 0,
    /// <summary>η multiplied by a factor whenever the monitored loss has not improved for a number of epochs.</summary>
    ReduceOnPlateau = 1,
    /// <summary>A linear warm-up, then a half cosine from η down to a floor at the last epoch.</summary>
    Cosine = 2,
}
