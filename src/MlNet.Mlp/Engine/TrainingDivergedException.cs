namespace MlNet.Mlp.Engine;

/// <summary>
/// Training produced a NaN or infinite loss or parameter. Thrown instead of returning a broken network; the usual
/// cure is a lower learning rate (or unscaled, huge feature values).
/// </summary>
public sealed class TrainingDivergedException : InvalidOperationException
{
    /// <summary>Creates the exception for the epoch (1-based) in which the divergence was detected.</summary>
    public TrainingDivergedException(int epoch, double loss, float learningRate)
        : base($"Training diverged in epoch {epoch}: the loss became {loss}. Try a lower learning rate than {learningRate} " +
               "(and check that the features are scaled, and that L2Regularization and WeightDecay are not large).")
    {
        Epoch = epoch;
        Loss = loss;
        LearningRate = learningRate;
    }

    /// <summary>The 1-based epoch in which the loss or parameters stopped being finite.</summary>
    public int Epoch { get; }

    /// <summary>The offending loss (NaN or ∞; NaN too when only the parameters overflowed).</summary>
    public double Loss { get; }

    /// <summary>The learning rate in use.</summary>
    public float LearningRate { get; }
}
