using MlNet.Mlp.Kernels;

namespace MlNet.Mlp.Engine;

/// <summary>
/// Adam (Kingma &amp; Ba 2015): at step t with learning rate η_t, m ← β1·m + (1−β1)·g; v ← β2·v + (1−β2)·g²;
/// w ← w − η_t·m̂/(√v̂ + ε) with m̂ = m/(1−β1^t), v̂ = v/(1−β2^t). Defaults β1 = 0.9, β2 = 0.999, ε = 1e−8.
/// With a decoupled weight decay d &gt; 0 (AdamW, Loshchilov &amp; Hutter 2019) the decayed blocks first shrink,
/// w ← w − η_t·d·w, as PyTorch's AdamW does.
/// </summary>
/// <remarks>
/// Same formula as PyTorch's Adam/AdamW and scikit-learn's adam solver. L2 is coupled: the engine adds λ·w to g before
/// the moments (PyTorch Adam's weight_decay); the decay d is not, so it is not rescaled by √v̂.
/// </remarks>
public sealed class AdamOptimizer : Optimizer
{
    private readonly float[][] firstMoments;
    private readonly float[][] secondMoments;
    private readonly bool[] decayed;
    // The bias corrections depend on t alone, so they are computed once per step; η_t is applied where they are used.
    private int correctionsStep;
    private double firstMomentDenominator;
    private float secondMomentCorrection;

    /// <summary>Creates the optimiser.</summary>
    /// <param name="parameterBlockSizes">Sizes of the parameter blocks.</param>
    /// <param name="learningRate">η until a step sets another.</param>
    /// <param name="beta1">β1 in [0, 1).</param>
    /// <param name="beta2">β2 in [0, 1).</param>
    /// <param name="epsilon">ε &gt; 0.</param>
    /// <param name="weightDecay">Decoupled weight decay d ≥ 0 (0: plain Adam).</param>
    /// <param name="decayedBlocks">Which blocks d applies to (see <see cref="Optimizer.WeightBlocks"/>); null for none.</param>
    /// <exception cref="ArgumentOutOfRangeException">A β is outside [0, 1), ε is not positive or d is negative.</exception>
    public AdamOptimizer(IReadOnlyList<int> parameterBlockSizes, float learningRate, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f,
        float weightDecay = 0f, IReadOnlyList<bool>? decayedBlocks = null)
        : base(parameterBlockSizes, learningRate)
    {
        if (!(beta1 >= 0 && beta1 < 1))
            throw new ArgumentOutOfRangeException(nameof(beta1), beta1, "β1 must be in [0, 1).");
        if (!(beta2 >= 0 && beta2 < 1))
            throw new ArgumentOutOfRangeException(nameof(beta2), beta2, "β2 must be in [0, 1).");
        if (!(epsilon > 0) || !float.IsFinite(epsilon))
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "ε must be positive and finite.");
        if (!(weightDecay >= 0) || !float.IsFinite(weightDecay))
            throw new ArgumentOutOfRangeException(nameof(weightDecay), weightDecay, "The weight decay must be zero or positive and finite.");
        if (decayedBlocks is not null && decayedBlocks.Count != parameterBlockSizes.Count)
            throw new ArgumentException($"{decayedBlocks.Count} decay flags for {parameterBlockSizes.Count} blocks.", nameof(decayedBlocks));
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
        WeightDecay = weightDecay;
        decayed = decayedBlocks?.ToArray() ?? new bool[parameterBlockSizes.Count];
        firstMoments = CreateState();
        secondMoments = CreateState();
    }

    /// <summary>β1, the first-moment decay.</summary>
    public float Beta1 { get; }

    /// <summary>β2, the second-moment decay.</summary>
    public float Beta2 { get; }

    /// <summary>ε, added to √v̂.</summary>
    public float Epsilon { get; }

    /// <summary>The decoupled weight decay d (0 for plain Adam).</summary>
    public float WeightDecay { get; }

    /// <inheritdoc />
    protected override void UpdateBlock(int block, Span<float> parameters, ReadOnlySpan<float> gradient) =>
        OptimizerKernels.AdamStep(parameters, gradient, firstMoments[block], secondMoments[block], StepSize(), Beta1, Beta2,
            secondMomentCorrection, Epsilon, Decay(block), NumberOfThreads);

    private protected override bool UpdateBlockInProduct(int block, in WeightGradientProduct product)
    {
        float stepSize = StepSize();
        product.MultiplyAndUpdate(new AdamOperator(stepSize, Beta1, Beta2, secondMomentCorrection, Epsilon, Decay(block)),
            firstMoments[block], secondMoments[block]);
        return true;
    }

    /// <summary>s = η_t/(1 − β1^t), with the bias corrections brought up to the current step first.</summary>
    private float StepSize()
    {
        if (correctionsStep != StepCount)
        {
            // Bias corrections in double: 1 − β2^t is tiny for small t and loses digits in float.
            firstMomentDenominator = 1 - Math.Pow(Beta1, StepCount);
            secondMomentCorrection = (float)(1 / (1 - Math.Pow(Beta2, StepCount)));
            correctionsStep = StepCount;
        }
        return (float)(LearningRate / firstMomentDenominator);
    }

    /// <summary>AdamW's δ = 1 − η·d for a decayed block; 1 (w·1 is w exactly) otherwise.</summary>
    private float Decay(int block) => WeightDecay > 0 && decayed[block] ? 1f - LearningRate * WeightDecay : 1f;
}
