using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using MlNet.Mlp.Kernels;

namespace MlNet.Mlp.Engine;

/// <summary>
/// A fully connected layer: a = W·x + b, h = Φ(a), with W stored <see cref="OutputCount"/>×<see cref="InputCount"/>
/// row-major (row j holds the weights into output unit j) and one bias per output.
/// </summary>
public sealed class DenseLayer
{
    internal readonly float[] WeightArray;
    internal readonly float[] BiasArray;

    /// <summary>Creates a layer from given parameters (e.g. deserialised ones); the spans are copied.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive, or the activation is unknown.</exception>
    /// <exception cref="ArgumentException">The spans do not have out×in and out elements, or hold NaN/∞.</exception>
    public DenseLayer(int inputCount, int outputCount, Activation activation, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outputCount, 1);
        if (!Enum.IsDefined(activation))
            throw new ArgumentOutOfRangeException(nameof(activation), activation, "Unknown activation.");
        if (weights.Length != inputCount * outputCount)
            throw new ArgumentException($"Expected {outputCount}×{inputCount} = {outputCount * inputCount} weights, got {weights.Length}.", nameof(weights));
        if (bias.Length != outputCount)
            throw new ArgumentException($"Expected {outputCount} biases, got {bias.Length}.", nameof(bias));
        if (!AllFinite(weights) || !AllFinite(bias))
            throw new ArgumentException("Layer parameters must be finite (no NaN or infinity).", nameof(weights));
        InputCount = inputCount;
        OutputCount = outputCount;
        Activation = activation;
        WeightArray = weights.ToArray();
        BiasArray = bias.ToArray();
    }

    /// <summary>Number of inputs (columns of W).</summary>
    public int InputCount { get; }

    /// <summary>Number of units (rows of W, length of b).</summary>
    public int OutputCount { get; }

    /// <summary>The activation Φ applied to a = W·x + b.</summary>
    public Activation Activation { get; }

    /// <summary>W, <see cref="OutputCount"/>×<see cref="InputCount"/> row-major: W[j, i] = Weights[j·InputCount + i].</summary>
    public ReadOnlySpan<float> Weights => WeightArray;

    /// <summary>b, one per output unit.</summary>
    public ReadOnlySpan<float> Bias => BiasArray;

    /// <summary>A deep copy.</summary>
    public DenseLayer Clone() => new(InputCount, OutputCount, Activation, WeightArray, BiasArray);

    /// <summary>
    /// H = Φ(X·Wᵀ + 1·bᵀ) into <paramref name="h"/> (rows×OutputCount), with the pre-activations kept in
    /// <paramref name="z"/> when it is not <paramref name="h"/> itself (the output layer's logits). Where Φ allows
    /// (<see cref="ActivationFunctions.FusesIntoProduct"/>) and no logits are kept, bias and Φ are applied to each
    /// tile of the product as it is finished; otherwise Φ is a separate pass on the same threads.
    /// <paramref name="weights"/> is normally <see cref="WeightArray"/>, or the DropConnect-masked copy in training.
    /// </summary>
    internal void Forward(ReadOnlySpan<float> x, int rows, ReadOnlySpan<float> weights, Span<float> z, Span<float> h, int numberOfThreads)
    {
        bool keepsLogits = !Unsafe.AreSame(ref MemoryMarshal.GetReference(z), ref MemoryMarshal.GetReference(h));
        if (keepsLogits || !ActivationFunctions.FusesIntoProduct(Activation))
        {
            MultiplyWithEpilogue<IdentityOperator>(x, rows, weights, z, numberOfThreads);
            ActivationFunctions.Forward(Activation, z, h, rows, OutputCount, numberOfThreads);
        }
        else if (Activation == Activation.Relu)
            MultiplyWithEpilogue<ReluOperator>(x, rows, weights, h, numberOfThreads);
        else if (Activation == Activation.HardTanh)
            MultiplyWithEpilogue<HardTanhOperator>(x, rows, weights, h, numberOfThreads);
        else
            MultiplyWithEpilogue<IdentityOperator>(x, rows, weights, h, numberOfThreads);
    }

    /// <summary>Z = Φ(X·Wᵀ + 1·bᵀ) for an elementwise Φ applied in the product's epilogue.</summary>
    private unsafe void MultiplyWithEpilogue<TActivation>(ReadOnlySpan<float> x, int rows, ReadOnlySpan<float> weights, Span<float> z, int numberOfThreads)
        where TActivation : struct, IUnaryOperator
    {
        fixed (float* bias = BiasArray)
        {
            Gemm.Multiply(transposeA: false, transposeB: true, rows, OutputCount, InputCount,
                x, InputCount, weights, InputCount, z, OutputCount, accumulate: false,
                new BiasActivationEpilogue<TActivation>(bias), numberOfThreads);
        }
    }

    /// <summary>
    /// a = W·x + b for one row (<see cref="MatrixVector"/>: a single row gains nothing from a packed matrix product). A
    /// value whose float sum overflowed is recomputed by <see cref="SaturatingDot"/>, so finite inputs always give
    /// finite values.
    /// </summary>
    internal void ComputePreActivations(ReadOnlySpan<float> x, Span<float> a)
    {
        a = a[..OutputCount];
        MatrixVector.MultiplyAdd(WeightArray, x[..InputCount], BiasArray, a);
        if (AllFinite(a))
            return;
        for (int j = 0; j < OutputCount; j++)
        {
            if (!float.IsFinite(a[j]))
                a[j] = SaturatingDot.Dense(WeightRow(j), x, BiasArray[j]);
        }
    }

    /// <summary>
    /// a = W·x + b for one sparse row, x[indices[k]] = values[k] and 0 elsewhere (indices in range); overflowed
    /// values are recomputed as in the dense overload.
    /// </summary>
    internal void ComputePreActivations(ReadOnlySpan<int> indices, ReadOnlySpan<float> values, Span<float> a)
    {
        a = a[..OutputCount];
        for (int j = 0; j < OutputCount; j++)
            a[j] = SparseVector.Dot(WeightRow(j), indices, values) + BiasArray[j];
        if (AllFinite(a))
            return;
        for (int j = 0; j < OutputCount; j++)
        {
            if (!float.IsFinite(a[j]))
                a[j] = SaturatingDot.Sparse(WeightRow(j), indices, values, BiasArray[j]);
        }
    }

    private ReadOnlySpan<float> WeightRow(int unit) => WeightArray.AsSpan(unit * InputCount, InputCount);

    internal bool ParametersAreFinite() => AllFinite(WeightArray) && AllFinite(BiasArray);

    private static bool AllFinite(ReadOnlySpan<float> values) => FiniteValues.AllFinite(values);
}
