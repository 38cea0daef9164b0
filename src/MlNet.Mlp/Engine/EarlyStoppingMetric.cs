namespace MlNet.Mlp.Engine;

/// <summary>What early stopping watches on the validation set. Values are fixed.</summary>
public enum EarlyStoppingMetric
{
    /// <summary>The validation loss; an improvement is a decrease by more than the minimum improvement.</summary>
    Loss = 0,
    /// <summary>
    /// The validation accuracy; an improvement is an increase by more than the minimum improvement, or the same
    /// accuracy at a validation loss lower by more than it. A network without classes (regression) goes by the loss.
    /// </summary>
    Accuracy = 1,
}
