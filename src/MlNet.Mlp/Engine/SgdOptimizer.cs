using MlNet.Mlp.Kernels;

namespace MlNet.Mlp.Engine;

/// <summary>
/// Stochastic gradient descent with the course notes' momentum: Δw ← η·g + α·Δw_prev; w ← w − Δw
/// (α = 0: plain SGD w ← w − η·g). With Nesterov momentum: Δw ← η·g + α·Δw_prev; w ← w − (η·g + α·Δw).
/// </summary>
/// <remarks>
/// For a constant η these are the same iterates as PyTorch's SGD (v ← μ·v + g; w ← w − η·v, Nesterov
/// w ← w − η·(g + μ·v)) with v = Δw/η, and as scikit-learn's (which keeps v = −Δw). They differ only when η
/// changes between steps: here the old step keeps its old η. L2 is not applied here: the engine adds λ·w to the
/// weight gradient g beforehand, so a step with λ is Δw ← η·(g + λ·w) + α·Δw_prev, the notes' Δw −= η·λ·w.
/// </remarks>
public sealed class SgdOptimizer : Optimizer
{
    private readonly float[][] deltas;

    /// <summary>Creates the optimiser.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="momentum"/> is outside [0, 1).</exception>
    public SgdOptimizer(IReadOnlyList<int> parameterBlockSizes, float learningRate, float momentum = 0f, bool nesterov = false)
        : base(parameterBlockSizes, learningRate)
    {
        if (!(momentum >= 0 && momentum < 1))
            throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "Momentum must be in [0, 1).");
        Momentum = momentum;
        Nesterov = nesterov;
        deltas = CreateState();
    }

    /// <summary>The momentum α.</summary>
    public float Momentum { get; }

    /// <summary>Whether the Nesterov form is used.</summary>
    public bool Nesterov { get; }

    /// <inheritdoc />
    protected override void UpdateBlock(int block, Span<float> parameters, ReadOnlySpan<float> gradient)
    {
        if (Nesterov)
            OptimizerKernels.NesterovStep(parameters, gradient, deltas[block], LearningRate, Momentum, NumberOfThreads);
        else
            OptimizerKernels.MomentumStep(parameters, gradient, deltas[block], LearningRate, Momentum, NumberOfThreads);
    }

    private protected override bool UpdateBlockInProduct(int block, in WeightGradientProduct product)
    {
        if (Nesterov)
            product.MultiplyAndUpdate(new NesterovOperator(LearningRate, Momentum), deltas[block]);
        else
            product.MultiplyAndUpdate(new MomentumOperator(LearningRate, Momentum), deltas[block]);
        return true;
    }
}
