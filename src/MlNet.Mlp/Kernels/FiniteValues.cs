using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MlNet.Mlp.Kernels;

/// <summary>
/// Checks that values are finite (no NaN, no ±∞): x − x is 0 for a finite x and NaN otherwise, so one vectorised sum
/// of x − x over a span is NaN exactly when the span holds a non-finite value. Reading 188 MB of training features
/// this way takes the time of the memory traffic; a scalar test per value took several times longer.
/// </summary>
internal static class FiniteValues
{
    /// <summary>Values checked per vector pass before the scalar search for the culprit.</summary>
    private const int Block = 4096;

    /// <summary>The index of the first NaN or infinite value, or −1 when every value is finite.</summary>
    public static int IndexOfNonFinite(ReadOnlySpan<float> values)
    {
        for (int start = 0; start < values.Length; start += Block)
        {
            ReadOnlySpan<float> block = values.Slice(start, Math.Min(Block, values.Length - start));
            if (!AllFinite(block))
            {
                for (int i = 0; i < block.Length; i++)
                {
                    if (!float.IsFinite(block[i]))
                        return start + i;
                }
            }
        }
        return -1;
    }

    /// <summary>Whether every value is finite.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool AllFinite(ReadOnlySpan<float> values)
    {
        ref float xr = ref MemoryMarshal.GetReference(values);
        nuint n = (nuint)values.Length, i = 0;
        float sum = 0f;
        if (Vector512.IsHardwareAccelerated)
            (sum, i) = SumOfSelfDifferences<Vector512<float>, Width512>(ref xr, n);
        else if (Vector256.IsHardwareAccelerated)
            (sum, i) = SumOfSelfDifferences<Vector256<float>, Width256>(ref xr, n);
        else if (Vector128.IsHardwareAccelerated)
            (sum, i) = SumOfSelfDifferences<Vector128<float>, Width128>(ref xr, n);
        for (; i < n; i++)
            sum += Unsafe.Add(ref xr, i) - Unsafe.Add(ref xr, i);
        return sum == 0f;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (float Sum, nuint End) SumOfSelfDifferences<TVector, TWidth>(ref float x, nuint n)
        where TVector : struct where TWidth : struct, IVectorWidth<TVector>
    {
        nuint i = 0, width = (nuint)TWidth.Count;
        TVector s0 = TWidth.Zero, s1 = TWidth.Zero;
        for (; i + 2 * width <= n; i += 2 * width)
        {
            TVector a = TWidth.Load(ref x, i), b = TWidth.Load(ref x, i + width);
            s0 = TWidth.Add(s0, TWidth.Subtract(a, a));
            s1 = TWidth.Add(s1, TWidth.Subtract(b, b));
        }
        return (TWidth.Sum(TWidth.Add(s0, s1)), i);
    }
}
