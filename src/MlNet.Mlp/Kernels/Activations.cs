using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Numerics.Tensors;

namespace MlNet.Mlp.Kernels;

/// <summary>
/// Elementwise activation functions h = Φ(a) and their backward steps g ← g ⊙ Φ'(a).
/// </summary>
/// <remarks>
/// Every derivative is expressed through the activation's output h rather than its input a, so the forward
/// pass need not keep the pre-activations: σ' = h(1−h), tanh' = 1−h², ReLU' = [h &gt; 0], hard tanh' = [|h| &lt; 1].
/// Input and output spans may be the same span (in-place); otherwise they must not overlap.
/// Inner loops are branch-free: <see cref="Vector{T}"/> blocks followed by a scalar tail.
/// </remarks>
public static class Activations
{
    /// <summary>σ(a) = 1/(1+e^−a). Saturates to exactly 0 or 1 for large |a|, never NaN.</summary>
    public static void Sigmoid(ReadOnlySpan<float> a, Span<float> h) => TensorPrimitives.Sigmoid(a, h);

    /// <summary>tanh(a).</summary>
    public static void Tanh(ReadOnlySpan<float> a, Span<float> h) => TensorPrimitives.Tanh(a, h);

    /// <summary>max(a, 0).</summary>
    public static void Relu(ReadOnlySpan<float> a, Span<float> h)
    {
        CheckLengths(a.Length, h.Length);
        ref float source = ref MemoryMarshal.GetReference(a);
        ref float destination = ref MemoryMarshal.GetReference(h);
        int i = 0;
        for (; i <= a.Length - Vector<float>.Count; i += Vector<float>.Count)
            Vector.Max(Vector.LoadUnsafe(ref source, (nuint)i), Vector<float>.Zero).StoreUnsafe(ref destination, (nuint)i);
        for (; i < a.Length; i++)
            Unsafe.Add(ref destination, i) = MathF.Max(Unsafe.Add(ref source, i), 0f);
    }

    /// <summary>Hard tanh: min(max(a, −1), 1).</summary>
    public static void HardTanh(ReadOnlySpan<float> a, Span<float> h)
    {
        CheckLengths(a.Length, h.Length);
        ref float source = ref MemoryMarshal.GetReference(a);
        ref float destination = ref MemoryMarshal.GetReference(h);
        var one = Vector<float>.One;
        int i = 0;
        for (; i <= a.Length - Vector<float>.Count; i += Vector<float>.Count)
            Vector.Min(Vector.Max(Vector.LoadUnsafe(ref source, (nuint)i), -one), one).StoreUnsafe(ref destination, (nuint)i);
        for (; i < a.Length; i++)
            Unsafe.Add(ref destination, i) = MathF.Min(MathF.Max(Unsafe.Add(ref source, i), -1f), 1f);
    }

    /// <summary>Perceptron output: +1 where a ≥ 0, −1 where a &lt; 0 (so a tie counts as the positive class).</summary>
    public static void Sign(ReadOnlySpan<float> a, Span<float> h)
    {
        CheckLengths(a.Length, h.Length);
        ref float source = ref MemoryMarshal.GetReference(a);
        ref float destination = ref MemoryMarshal.GetReference(h);
        var one = Vector<float>.One;
        int i = 0;
        for (; i <= a.Length - Vector<float>.Count; i += Vector<float>.Count)
        {
            var nonNegative = Vector.GreaterThanOrEqual(Vector.LoadUnsafe(ref source, (nuint)i), Vector<float>.Zero);
            Vector.ConditionalSelect(nonNegative, one, -one).StoreUnsafe(ref destination, (nuint)i);
        }
        for (; i < a.Length; i++)
            Unsafe.Add(ref destination, i) = Unsafe.Add(ref source, i) >= 0f ? 1f : -1f;
    }

    /// <summary>Sigmoid backward: g ← g ⊙ h(1−h), with h = σ(a).</summary>
    public static void SigmoidBackward(ReadOnlySpan<float> h, Span<float> g)
    {
        CheckLengths(h.Length, g.Length);
        ref float output = ref MemoryMarshal.GetReference(h);
        ref float gradient = ref MemoryMarshal.GetReference(g);
        int i = 0;
        for (; i <= h.Length - Vector<float>.Count; i += Vector<float>.Count)
        {
            var hv = Vector.LoadUnsafe(ref output, (nuint)i);
            (Vector.LoadUnsafe(ref gradient, (nuint)i) * (hv * (Vector<float>.One - hv))).StoreUnsafe(ref gradient, (nuint)i);
        }
        for (; i < h.Length; i++)
        {
            float hi = Unsafe.Add(ref output, i);
            Unsafe.Add(ref gradient, i) *= hi * (1f - hi);
        }
    }

    /// <summary>Tanh backward: g ← g ⊙ (1−h²), with h = tanh(a).</summary>
    public static void TanhBackward(ReadOnlySpan<float> h, Span<float> g)
    {
        CheckLengths(h.Length, g.Length);
        ref float output = ref MemoryMarshal.GetReference(h);
        ref float gradient = ref MemoryMarshal.GetReference(g);
        int i = 0;
        for (; i <= h.Length - Vector<float>.Count; i += Vector<float>.Count)
        {
            var hv = Vector.LoadUnsafe(ref output, (nuint)i);
            (Vector.LoadUnsafe(ref gradient, (nuint)i) * (Vector<float>.One - hv * hv)).StoreUnsafe(ref gradient, (nuint)i);
        }
        for (; i < h.Length; i++)
        {
            float hi = Unsafe.Add(ref output, i);
            Unsafe.Add(ref gradient, i) *= 1f - hi * hi;
        }
    }

    /// <summary>ReLU backward: g ← g where h &gt; 0, else 0 (the subgradient at a = 0 is taken as 0).</summary>
    public static void ReluBackward(ReadOnlySpan<float> h, Span<float> g)
    {
        CheckLengths(h.Length, g.Length);
        ref float output = ref MemoryMarshal.GetReference(h);
        ref float gradient = ref MemoryMarshal.GetReference(g);
        int i = 0;
        for (; i <= h.Length - Vector<float>.Count; i += Vector<float>.Count)
        {
            var active = Vector.GreaterThan(Vector.LoadUnsafe(ref output, (nuint)i), Vector<float>.Zero);
            Vector.ConditionalSelect(active, Vector.LoadUnsafe(ref gradient, (nuint)i), Vector<float>.Zero).StoreUnsafe(ref gradient, (nuint)i);
        }
        for (; i < h.Length; i++)
            Unsafe.Add(ref gradient, i) = Unsafe.Add(ref output, i) > 0f ? Unsafe.Add(ref gradient, i) : 0f;
    }

    /// <summary>Hard tanh backward: g ← g where |h| &lt; 1 (the linear region), else 0.</summary>
    public static void HardTanhBackward(ReadOnlySpan<float> h, Span<float> g)
    {
        CheckLengths(h.Length, g.Length);
        ref float output = ref MemoryMarshal.GetReference(h);
        ref float gradient = ref MemoryMarshal.GetReference(g);
        int i = 0;
        for (; i <= h.Length - Vector<float>.Count; i += Vector<float>.Count)
        {
            var linear = Vector.LessThan(Vector.Abs(Vector.LoadUnsafe(ref output, (nuint)i)), Vector<float>.One);
            Vector.ConditionalSelect(linear, Vector.LoadUnsafe(ref gradient, (nuint)i), Vector<float>.Zero).StoreUnsafe(ref gradient, (nuint)i);
        }
        for (; i < h.Length; i++)
            Unsafe.Add(ref gradient, i) = MathF.Abs(Unsafe.Add(ref output, i)) < 1f ? Unsafe.Add(ref gradient, i) : 0f;
    }

    internal static void CheckLengths(int sourceLength, int destinationLength)
    {
        if (destinationLength < sourceLength)
            throw new ArgumentException($"Destination length {destinationLength} is shorter than source length {sourceLength}.");
    }
}
