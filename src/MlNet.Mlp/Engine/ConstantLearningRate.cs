namespace MlNet.Mlp.Engine;

/// <summary>η_t = η for every step.</summary>
public sealed class ConstantLearningRate(float learningRate) : LearningRateSchedule
{
    /// <inheritdoc/>
    public override float RateAt(int step) => learningRate;
}
