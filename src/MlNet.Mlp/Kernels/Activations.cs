using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace MlNet.Mlp.Kernels;

/// <summary>
/// Elementwise activation functions h = Φ(a) and their backward steps g ← g ⊙ Φ'(a).
/// </summary>
/// <remarks>
/// Every derivative is expressed through the activation's output h rather than its input a, so the forward
/// pass need not keep the pre-activations: σ' = h(1−h), tanh' = 1−h², ReLU' = [h &gt; 0], hard tanh' = [|h| &lt; 1].
/// Input and output spans may be the same span (in-place); otherwise they must not overlap.
/// Each kernel is an operator struct run by <see cref="ElementwiseLoops"/>; the operators are public to the
/// engine so that it can apply them to blocks of other loops (a GEMM's output tiles) with the same results.
/// </remarks>
public static class Activations
{
    /// <summary>σ(a) = 1/(1+e^−a). Saturates to exactly 0 or 1 for large |a|, never NaN.</summary>
    public static void Sigmoid(ReadOnlySpan<float> a, Span<float> h) => ElementwiseLoops.Map(new SigmoidOperator(), a, h);

    /// <summary>tanh(a). Saturates to exactly ±1 for large |a|, never NaN.</summary>
    public static void Tanh(ReadOnlySpan<float> a, Span<float> h) => ElementwiseLoops.Map(new TanhOperator(), a, h);

    /// <summary>max(a, 0).</summary>
    public static void Relu(ReadOnlySpan<float> a, Span<float> h) => ElementwiseLoops.Map(new ReluOperator(), a, h);

    /// <summary>Hard tanh: min(max(a, −1), 1).</summary>
    public static void HardTanh(ReadOnlySpan<float> a, Span<float> h) => ElementwiseLoops.Map(new HardTanhOperator(), a, h);

    /// <summary>Perceptron output: +1 where a ≥ 0, −1 where a &lt; 0 (so a tie counts as the positive class).</summary>
    public static void Sign(ReadOnlySpan<float> a, Span<float> h) => ElementwiseLoops.Map(new SignOperator(), a, h);

    /// <summary>Sigmoid backward: g ← g ⊙ h(1−h), with h = σ(a).</summary>
    public static void SigmoidBackward(ReadOnlySpan<float> h, Span<float> g) => ElementwiseLoops.Map(new SigmoidBackwardOperator(), h, g, g);

    /// <summary>Tanh backward: g ← g ⊙ (1−h²), with h = tanh(a).</summary>
    public static void TanhBackward(ReadOnlySpan<float> h, Span<float> g) => ElementwiseLoops.Map(new TanhBackwardOperator(), h, g, g);

    /// <summary>ReLU backward: g ← g where h &gt; 0, else 0 (the subgradient at a = 0 is taken as 0).</summary>
    public static void ReluBackward(ReadOnlySpan<float> h, Span<float> g) => ElementwiseLoops.Map(new ReluBackwardOperator(), h, g, g);

    /// <summary>Hard tanh backward: g ← g where |h| &lt; 1 (the linear region), else 0.</summary>
    public static void HardTanhBackward(ReadOnlySpan<float> h, Span<float> g) => ElementwiseLoops.Map(new HardTanhBackwardOperator(), h, g, g);
}

/// <summary>
/// 1/(1 + e^−a), computed as TensorPrimitives.Sigmoid computes it (the runtime's vector exponential, then one
/// division), so the same bits, but in this library's driver, which is compiled fully optimised on first call:
/// TensorPrimitives' generic loop ran at tier 0 through a process's first Fits, calling the exponential out of line.
/// The scalar form is the vector form on one lane, so a tail element gets a lane's bits.
/// </summary>
internal readonly struct SigmoidOperator : IUnaryOperator
{
    public float Invoke(float x) => Invoke<Vector128<float>, Width128>(Vector128.CreateScalar(x)).ToScalar();

    // e^(0 − a) is e^−a for every a (the two differ only in the sign of a zero, and e^±0 = 1).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVector Invoke<TVector, TWidth>(TVector x) where TVector : struct where TWidth : struct, IVectorWidth<TVector> =>
        TWidth.Divide(TWidth.Create(1f), TWidth.Add(TWidth.Create(1f), TWidth.Exp(TWidth.Subtract(TWidth.Zero, x))));
}

/// <summary>
/// tanh(a) = sign(a)·(−z/(z + 2)) with z = e^(−2|a|) − 1: TensorPrimitives.Tanh's formula, so its bits, for the same
/// reason as <see cref="SigmoidOperator"/>; except that below |a| = 2⁻¹² the result is a itself. There the formula
/// gives noise: the runtime's e^x is 1 ± 2⁻²⁴ near 0, which made tanh(0) = −6·10⁻⁸, while a is tanh(a) to within
/// a³/3, under half a unit in the last place. For large |a|, z is −1 and the result exactly ±1.
/// </summary>
internal readonly struct TanhOperator : IUnaryOperator
{
    private const float LinearBelow = 1f / 4096;

    public float Invoke(float x) => Invoke<Vector128<float>, Width128>(Vector128.CreateScalar(x)).ToScalar();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVector Invoke<TVector, TWidth>(TVector x) where TVector : struct where TWidth : struct, IVectorWidth<TVector>
    {
        TVector magnitude = TWidth.Abs(x);
        TVector z = TWidth.Subtract(TWidth.Exp(TWidth.Multiply(TWidth.Create(-2f), magnitude)), TWidth.Create(1f));
        TVector tanhOfMagnitude = TWidth.Divide(TWidth.Subtract(TWidth.Zero, z), TWidth.Add(z, TWidth.Create(2f)));
        TVector signed = TWidth.ConditionalSelect(TWidth.LessThan(x, TWidth.Zero), TWidth.Subtract(TWidth.Zero, tanhOfMagnitude), tanhOfMagnitude);
        return TWidth.ConditionalSelect(TWidth.LessThan(magnitude, TWidth.Create(LinearBelow)), x, signed);
    }
}

/// <summary>max(a, 0).</summary>
internal readonly struct ReluOperator : IUnaryOperator
{
    public float Invoke(float x) => MathF.Max(x, 0f);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVector Invoke<TVector, TWidth>(TVector x) where TVector : struct where TWidth : struct, IVectorWidth<TVector> =>
        TWidth.Max(x, TWidth.Zero);
}

/// <summary>min(max(a, −1), 1).</summary>
internal readonly struct HardTanhOperator : IUnaryOperator
{
    public float Invoke(float x) => MathF.Min(MathF.Max(x, -1f), 1f);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVector Invoke<TVector, TWidth>(TVector x) where TVector : struct where TWidth : struct, IVectorWidth<TVector> =>
        TWidth.Min(TWidth.Max(x, TWidth.Create(-1f)), TWidth.Create(1f));
}

/// <summary>+1 where a ≥ 0, else −1.</summary>
internal readonly struct SignOperator : IUnaryOperator
{
    public float Invoke(float x) => x >= 0f ? 1f : -1f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVector Invoke<TVector, TWidth>(TVector x) where TVector : struct where TWidth : struct, IVectorWidth<TVector> =>
        TWidth.ConditionalSelect(TWidth.GreaterThanOrEqual(x, TWidth.Zero), TWidth.Create(1f), TWidth.Create(-1f));
}

/// <summary>(h, g) → g·h(1−h).</summary>
internal readonly struct SigmoidBackwardOperator : IBinaryOperator
{
    public float Invoke(float h, float g) => g * (h * (1f - h));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVector Invoke<TVector, TWidth>(TVector h, TVector g) where TVector : struct where TWidth : struct, IVectorWidth<TVector> =>
        TWidth.Multiply(g, TWidth.Multiply(h, TWidth.Subtract(TWidth.Create(1f), h)));
}

/// <summary>(h, g) → g·(1−h²).</summary>
internal readonly struct TanhBackwardOperator : IBinaryOperator
{
    public float Invoke(float h, float g) => g * (1f - h * h);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVector Invoke<TVector, TWidth>(TVector h, TVector g) where TVector : struct where TWidth : struct, IVectorWidth<TVector> =>
        TWidth.Multiply(g, TWidth.Subtract(TWidth.Create(1f), TWidth.Multiply(h, h)));
}

/// <summary>(h, g) → g where h &gt; 0, else 0.</summary>
internal readonly struct ReluBackwardOperator : IBinaryOperator
{
    public float Invoke(float h, float g) => h > 0f ? g : 0f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVector Invoke<TVector, TWidth>(TVector h, TVector g) where TVector : struct where TWidth : struct, IVectorWidth<TVector> =>
        TWidth.ConditionalSelect(TWidth.GreaterThan(h, TWidth.Zero), g, TWidth.Zero);
}

/// <summary>(h, g) → g where |h| &lt; 1, else 0.</summary>
internal readonly struct HardTanhBackwardOperator : IBinaryOperator
{
    public float Invoke(float h, float g) => MathF.Abs(h) < 1f ? g : 0f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVector Invoke<TVector, TWidth>(TVector h, TVector g) where TVector : struct where TWidth : struct, IVectorWidth<TVector> =>
        TWidth.ConditionalSelect(TWidth.LessThan(TWidth.Abs(h), TWidth.Create(1f)), g, TWidth.Zero);
}
