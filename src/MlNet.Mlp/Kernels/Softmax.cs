using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MlNet.Mlp.Kernels;

/// <summary>Numerically stable softmax and log-sum-exp over one row of logits.</summary>
/// <remarks>
/// Both subtract the row maximum m before exponentiating (softmax(z) = softmax(z − m),
/// log Σ e^z = m + log Σ e^(z−m)), so no exponent exceeds 0 and nothing overflows for any finite logits.
/// The loops are this library's own, written once over the vector width and compiled fully optimised on first
/// call: they run for every row of every mini-batch, and TensorPrimitives' generic methods ran at tier 0 through
/// much of a first epoch.
/// </remarks>
public static class Softmax
{
    /// <summary>p_j = e^(z_j − m) / Σ_k e^(z_k − m), m = max_k z_k. <paramref name="probabilities"/> may be
    /// <paramref name="logits"/> itself.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Row(ReadOnlySpan<float> logits, Span<float> probabilities)
    {
        ElementwiseLoops.CheckDestination(logits.Length, probabilities.Length);
        probabilities = probabilities[..logits.Length];
        float max = Max(logits);
        float sum = ExpShiftedAndSum(logits, max, probabilities);
        // The largest term is e^0 (1 to within the exponential's few units in the last place), so the sum is
        // about 1 or more and the division is safe.
        ElementwiseLoops.Map(new ScaleOperator(1f / sum), probabilities, probabilities);
    }

    /// <summary>
    /// The backward step through a softmax row, in place: g_j ← p_j·(g_j − Σ_k g_k·p_k), the vector-Jacobian product
    /// of p = softmax(z) with the gradient g with respect to p.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RowBackward(ReadOnlySpan<float> probabilities, Span<float> gradient)
    {
        ElementwiseLoops.CheckDestination(probabilities.Length, gradient.Length);
        gradient = gradient[..probabilities.Length];
        float projection = MatrixVector.DotAdd(gradient, probabilities, 0f);
        ElementwiseLoops.Map(new SoftmaxBackwardOperator(projection), probabilities, gradient, gradient);
    }

    /// <summary>log Σ_j e^(z_j) = m + log Σ_j e^(z_j − m), computed in double after the shift.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double LogSumExp(ReadOnlySpan<float> logits)
    {
        float max = Max(logits);
        double sum = 0.0;
        foreach (float z in logits)
            sum += Math.Exp(z - max);
        return max + Math.Log(sum);
    }

    /// <summary>The largest value (IEEE maximum: NaN if any is NaN); −∞ for an empty span.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static float Max(ReadOnlySpan<float> values)
    {
        ref float xr = ref MemoryMarshal.GetReference(values);
        nuint n = (nuint)values.Length, i = 0;
        float max = float.NegativeInfinity;
        if (Vector512.IsHardwareAccelerated)
            (max, i) = MaxVectors<Vector512<float>, Width512>(ref xr, n);
        else if (Vector256.IsHardwareAccelerated)
            (max, i) = MaxVectors<Vector256<float>, Width256>(ref xr, n);
        else if (Vector128.IsHardwareAccelerated)
            (max, i) = MaxVectors<Vector128<float>, Width128>(ref xr, n);
        for (; i < n; i++)
            max = MathF.Max(max, Unsafe.Add(ref xr, i));
        return max;
    }

    /// <summary>p_j = e^(z_j − shift); returns Σ_j p_j.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float ExpShiftedAndSum(ReadOnlySpan<float> logits, float shift, Span<float> probabilities)
    {
        ref float zr = ref MemoryMarshal.GetReference(logits);
        ref float pr = ref MemoryMarshal.GetReference(probabilities);
        nuint n = (nuint)logits.Length, i = 0;
        float sum = 0f;
        if (Vector512.IsHardwareAccelerated)
            (sum, i) = ExpShiftedVectors<Vector512<float>, Width512>(ref zr, shift, ref pr, n);
        else if (Vector256.IsHardwareAccelerated)
            (sum, i) = ExpShiftedVectors<Vector256<float>, Width256>(ref zr, shift, ref pr, n);
        else if (Vector128.IsHardwareAccelerated)
            (sum, i) = ExpShiftedVectors<Vector128<float>, Width128>(ref zr, shift, ref pr, n);
        for (; i < n; i++)
        {
            float p = MathF.Exp(Unsafe.Add(ref zr, i) - shift);
            Unsafe.Add(ref pr, i) = p;
            sum += p;
        }
        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (float Max, nuint End) MaxVectors<TVector, TWidth>(ref float x, nuint n)
        where TVector : struct where TWidth : struct, IVectorWidth<TVector>
    {
        nuint i = 0, width = (nuint)TWidth.Count;
        if (n < width)
            return (float.NegativeInfinity, 0);
        TVector max = TWidth.Load(ref x, 0);
        for (i = width; i + width <= n; i += width)
            max = TWidth.Max(max, TWidth.Load(ref x, i));
        return (TWidth.MaxAcross(max), i);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (float Sum, nuint End) ExpShiftedVectors<TVector, TWidth>(ref float z, float shift, ref float p, nuint n)
        where TVector : struct where TWidth : struct, IVectorWidth<TVector>
    {
        nuint i = 0, width = (nuint)TWidth.Count;
        TVector sum = TWidth.Zero, shifts = TWidth.Create(shift);
        for (; i + width <= n; i += width)
        {
            TVector e = TWidth.Exp(TWidth.Subtract(TWidth.Load(ref z, i), shifts));
            TWidth.Store(e, ref p, i);
            sum = TWidth.Add(sum, e);
        }
        return (TWidth.Sum(sum), i);
    }
}

/// <summary>(p, g) → p·(g − projection), rounded after the difference and after the product.</summary>
internal readonly struct SoftmaxBackwardOperator(float projection) : IBinaryOperator
{
    public float Invoke(float p, float g) => p * (g - projection);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVector Invoke<TVector, TWidth>(TVector p, TVector g) where TVector : struct where TWidth : struct, IVectorWidth<TVector> =>
        TWidth.Multiply(p, TWidth.Subtract(g, TWidth.Create(projection)));
}
