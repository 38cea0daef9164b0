using MlNet.Mlp.Kernels;

namespace MlNet.Mlp.Engine;

/// <summary>
/// Adam (Kingma &amp; Ba 2015): at step t, m ← β1·m + (1−β1)·g; v ← β2·v + (1−β2)·g²;
/// w ← w − η·m̂/(√v̂ + ε) with m̂ = m/(1−β1^t), v̂ = v/(1−β2^t). Defaults β1 = 0.9, β2 = 0.999, ε = 1e−8.
/// </summary>
/// <remarks>
/// Same formula as PyTorch's Adam and scikit-learn's adam solver. L2 is coupled: the engine adds λ·w to g before
/// the moments (PyTorch Adam's weight_decay), not the decoupled AdamW decay.
/// </remarks>
public sealed class AdamOptimizer : Optimizer
{
    private readonly float[][] firstMoments;
    private readonly float[][] secondMoments;
    private int correctionsStep;
    private float stepSize;
    private float secondMomentCorrection;

    /// <summary>Creates the optimiser.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A β is outside [0, 1) or ε is not positive.</exception>
    public AdamOptimizer(IReadOnlyList<int> parameterBlockSizes, float learningRate, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f)
        : base(parameterBlockSizes, learningRate)
    {
        if (!(beta1 >= 0 && beta1 < 1))
            throw new ArgumentOutOfRangeException(nameof(beta1), beta1, "β1 must be in [0, 1).");
        if (!(beta2 >= 0 && beta2 < 1))
            throw new ArgumentOutOfRangeException(nameof(beta2), beta2, "β2 must be in [0, 1).");
        if (!(epsilon > 0) || !float.IsFinite(epsilon))
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "ε must be positive and finite.");
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
        firstMoments = CreateState();
        secondMoments = CreateState();
    }

    /// <summary>β1, the first-moment decay.</summary>
    public float Beta1 { get; }

    /// <summary>β2, the second-moment decay.</summary>
    public float Beta2 { get; }

    /// <summary>ε, added to √v̂.</summary>
    public float Epsilon { get; }

    /// <inheritdoc />
    protected override void UpdateBlock(int block, Span<float> parameters, ReadOnlySpan<float> gradient)
    {
        if (correctionsStep != StepCount)
        {
            // Bias corrections in double: 1 − β2^t is tiny for small t and loses digits in float.
            stepSize = (float)(LearningRate / (1 - Math.Pow(Beta1, StepCount)));
            secondMomentCorrection = (float)(1 / (1 - Math.Pow(Beta2, StepCount)));
            correctionsStep = StepCount;
        }
        OptimizerKernels.AdamStep(parameters, gradient, firstMoments[block], secondMoments[block],
            stepSize, Beta1, Beta2, secondMomentCorrection, Epsilon);
    }
}
