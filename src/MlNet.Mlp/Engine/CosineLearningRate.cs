namespace MlNet.Mlp.Engine;

/// <summary>
/// A linear warm-up then a half cosine: for step t of T (1-based) with W warm-up steps,
/// η_t = η·t/W for t ≤ W, else η_t = η_min + ½(η − η_min)(1 + cos(π·(t − W)/(T − W))), reaching η_min at t = T.
/// Steps past T (a run continued beyond its plan) stay at η_min.
/// </summary>
public sealed class CosineLearningRate : LearningRateSchedule
{
    private readonly float peak;
    private readonly int warmupSteps;
    private readonly int totalSteps;
    private readonly float floor;

    /// <exception cref="ArgumentOutOfRangeException">The warm-up does not leave at least one step to decay over.</exception>
    public CosineLearningRate(float learningRate, int warmupSteps, int totalSteps, float minimum)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(warmupSteps);
        if (totalSteps <= warmupSteps)
            throw new ArgumentOutOfRangeException(nameof(warmupSteps), warmupSteps, $"The warm-up ({warmupSteps} steps) must be shorter than the run ({totalSteps} steps).");
        peak = learningRate;
        this.warmupSteps = warmupSteps;
        this.totalSteps = totalSteps;
        floor = minimum;
    }

    /// <inheritdoc/>
    public override float RateAt(int step)
    {
        if (step <= warmupSteps)
            return peak * step / warmupSteps;
        double progress = Math.Min(1.0, (double)(step - warmupSteps) / (totalSteps - warmupSteps));
        return (float)(floor + 0.5 * (peak - floor) * (1 + Math.Cos(Math.PI * progress)));
    }
}
