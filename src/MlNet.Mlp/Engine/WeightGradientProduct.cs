using MlNet.Mlp.Kernels;

namespace MlNet.Mlp.Engine;

/// <summary>
/// One layer's weight gradient as a matrix product still to be run, ∂L/∂W = δᵀ·x + λW (W stored out×in), handed to an
/// <see cref="Optimizer"/> so that it can apply its step to each tile of the gradient as the product finishes it.
/// </summary>
/// <remarks>
/// The gradient still lands in <see cref="Gradient"/>, with the values <see cref="Backpropagation.Backward"/> gives.
/// Each weight is read and written once, by the thread that computed its tile of the gradient, and with the same
/// elementwise operators as the separate optimiser pass, so the weights are bit-identical to that pass's for any
/// thread count.
/// </remarks>
internal readonly ref struct WeightGradientProduct
{
    private readonly ReadOnlySpan<float> delta;
    private readonly ReadOnlySpan<float> input;
    private readonly int rows;
    private readonly int outputCount;
    private readonly int inputCount;
    private readonly float l2;
    private readonly int numberOfThreads;

    /// <param name="delta">δ = ∂L/∂a, rows × <paramref name="outputCount"/>.</param>
    /// <param name="input">The layer's input x, rows × <paramref name="inputCount"/>.</param>
    /// <param name="rows">Rows of the batch.</param>
    /// <param name="outputCount">The layer's outputs: rows of W.</param>
    /// <param name="inputCount">The layer's inputs: columns of W.</param>
    /// <param name="weights">W, <paramref name="outputCount"/> × <paramref name="inputCount"/>: read for λW and updated.</param>
    /// <param name="gradient">Where ∂L/∂W is stored, W's shape.</param>
    /// <param name="l2">λ ≥ 0.</param>
    /// <param name="numberOfThreads">Threads for the product and its epilogue.</param>
    public WeightGradientProduct(ReadOnlySpan<float> delta, ReadOnlySpan<float> input, int rows, int outputCount, int inputCount,
        float[] weights, float[] gradient, float l2, int numberOfThreads)
    {
        long size = (long)outputCount * inputCount;
        if (weights.Length != size || gradient.Length != size)
            throw new ArgumentException($"A {outputCount}×{inputCount} layer needs {size} weights and gradients; got {weights.Length} and {gradient.Length}.");
        this.delta = delta;
        this.input = input;
        this.rows = rows;
        this.outputCount = outputCount;
        this.inputCount = inputCount;
        Weights = weights;
        Gradient = gradient;
        this.l2 = l2;
        this.numberOfThreads = numberOfThreads;
    }

    /// <summary>W, updated in place by <see cref="MultiplyAndUpdate{TUpdate}(TUpdate, float[])"/>.</summary>
    public float[] Weights { get; }

    /// <summary>∂L/∂W (with λW) once the product has run.</summary>
    public float[] Gradient { get; }

    /// <summary>Runs the product and applies <paramref name="update"/> with its per-weight <paramref name="state"/>.</summary>
    public unsafe void MultiplyAndUpdate<TUpdate>(TUpdate update, float[] state) where TUpdate : struct, IParameterUpdate
    {
        CheckState(state);
        fixed (float* w = Weights)
        fixed (float* s = state)
            Multiply(new ParameterUpdateEpilogue<OneStateStep<TUpdate>>(w, inputCount, l2, new OneStateStep<TUpdate>(s, update)));
    }

    /// <summary>Runs the product and applies <paramref name="update"/> with its two per-weight states.</summary>
    public unsafe void MultiplyAndUpdate<TUpdate>(TUpdate update, float[] first, float[] second) where TUpdate : struct, IParameterUpdateWithTwoStates
    {
        CheckState(first);
        CheckState(second);
        fixed (float* w = Weights)
        fixed (float* s = first)
        fixed (float* t = second)
            Multiply(new ParameterUpdateEpilogue<TwoStateStep<TUpdate>>(w, inputCount, l2, new TwoStateStep<TUpdate>(s, t, update)));
    }

    private void Multiply<TEpilogue>(in TEpilogue epilogue) where TEpilogue : struct, IGemmEpilogue =>
        Gemm.Multiply(transposeA: true, transposeB: false, outputCount, inputCount, rows, delta, outputCount, input, inputCount,
            Gradient, inputCount, accumulate: false, epilogue, numberOfThreads);

    private void CheckState(float[] state)
    {
        if (state.Length != Weights.Length)
            throw new ArgumentException($"The optimiser state holds {state.Length} values for {Weights.Length} weights.", nameof(state));
    }
}
