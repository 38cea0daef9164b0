using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MlNet.Mlp.Kernels;

/// <summary>
/// Vectors stored as one byte per entry: entry j is codes[j]·step for a step shared by the whole vector. Features
/// that take few evenly spaced values (8-bit pixels, 0/1 indicators, small counts) fit this exactly or to within one
/// unit in the last place, in a quarter of the memory of floats, which is what lets a multi-pass learner keep a
/// 12,000-row image set in the last-level cache. The loops leave the step to the caller, which folds it into one
/// scalar per row.
/// </summary>
/// <remarks>
/// Each loop is written once, generic over the vector width (<see cref="IVectorWidth{TVector}"/>: decoding and
/// encoding a vector of codes are the width's own operations), run in the widest width the hardware accelerates,
/// and finished by a scalar tail that computes what the vector lanes compute.
/// </remarks>
internal static class QuantizedVector
{
    /// <summary>The largest code; entries are 0 … 255 steps.</summary>
    public const int MaxCode = byte.MaxValue;

    /// <summary>Σⱼ dense[j]·codes[j]; multiply by the step for the dot product with the decoded vector.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Dot(ReadOnlySpan<float> dense, ReadOnlySpan<byte> codes)
    {
        CheckLengths(dense.Length, codes.Length);
        ref float xr = ref MemoryMarshal.GetReference(dense);
        ref byte cr = ref MemoryMarshal.GetReference(codes);
        nuint n = (nuint)codes.Length, i = 0;
        float sum = 0;
        if (Vector512.IsHardwareAccelerated)
            (sum, i) = DotVectors<Vector512<float>, Width512>(ref xr, ref cr, n);
        else if (Vector256.IsHardwareAccelerated)
            (sum, i) = DotVectors<Vector256<float>, Width256>(ref xr, ref cr, n);
        else if (Vector128.IsHardwareAccelerated)
            (sum, i) = DotVectors<Vector128<float>, Width128>(ref xr, ref cr, n);
        for (; i < n; i++)
            sum = float.MultiplyAddEstimate(Unsafe.Add(ref xr, i), Unsafe.Add(ref cr, i), sum);
        return sum;
    }

    /// <summary>
    /// Σⱼ first[j]·codes[j] and Σⱼ second[j]·codes[j] in one pass, each summed exactly as <see cref="Dot"/> sums it:
    /// scoring a row against two weight vectors then decodes its codes once.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static (float First, float Second) Dot2(ReadOnlySpan<float> first, ReadOnlySpan<float> second, ReadOnlySpan<byte> codes)
    {
        CheckLengths(first.Length, codes.Length);
        CheckLengths(second.Length, codes.Length);
        ref float ar = ref MemoryMarshal.GetReference(first);
        ref float br = ref MemoryMarshal.GetReference(second);
        ref byte cr = ref MemoryMarshal.GetReference(codes);
        nuint n = (nuint)codes.Length, i = 0;
        float sumA = 0, sumB = 0;
        if (Vector512.IsHardwareAccelerated)
            (sumA, sumB, i) = Dot2Vectors<Vector512<float>, Width512>(ref ar, ref br, ref cr, n);
        else if (Vector256.IsHardwareAccelerated)
            (sumA, sumB, i) = Dot2Vectors<Vector256<float>, Width256>(ref ar, ref br, ref cr, n);
        else if (Vector128.IsHardwareAccelerated)
            (sumA, sumB, i) = Dot2Vectors<Vector128<float>, Width128>(ref ar, ref br, ref cr, n);
        for (; i < n; i++)
        {
            sumA = float.MultiplyAddEstimate(Unsafe.Add(ref ar, i), Unsafe.Add(ref cr, i), sumA);
            sumB = float.MultiplyAddEstimate(Unsafe.Add(ref br, i), Unsafe.Add(ref cr, i), sumB);
        }
        return (sumA, sumB);
    }

    /// <summary>dense[j] += scale·codes[j]; pass scale·step to add a multiple of the decoded vector.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MultiplyAddTo(ReadOnlySpan<byte> codes, float scale, Span<float> dense)
    {
        CheckLengths(dense.Length, codes.Length);
        ref float yr = ref MemoryMarshal.GetReference(dense);
        ref byte cr = ref MemoryMarshal.GetReference(codes);
        nuint n = (nuint)codes.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
            i = MultiplyAddVectors<Vector512<float>, Width512>(ref cr, scale, ref yr, n);
        else if (Vector256.IsHardwareAccelerated)
            i = MultiplyAddVectors<Vector256<float>, Width256>(ref cr, scale, ref yr, n);
        else if (Vector128.IsHardwareAccelerated)
            i = MultiplyAddVectors<Vector128<float>, Width128>(ref cr, scale, ref yr, n);
        for (; i < n; i++)
            Unsafe.Add(ref yr, i) = float.MultiplyAddEstimate(Unsafe.Add(ref cr, i), scale, Unsafe.Add(ref yr, i));
    }

    /// <summary>
    /// first[j] += firstScale·codes[j] and second[j] += secondScale·codes[j] in one pass, each entry computed exactly as
    /// <see cref="MultiplyAddTo"/> computes it: a learner that adds a row to two vectors then decodes it once.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MultiplyAddTo2(ReadOnlySpan<byte> codes, float firstScale, Span<float> first, float secondScale, Span<float> second)
    {
        CheckLengths(first.Length, codes.Length);
        CheckLengths(second.Length, codes.Length);
        ref float ar = ref MemoryMarshal.GetReference(first);
        ref float br = ref MemoryMarshal.GetReference(second);
        ref byte cr = ref MemoryMarshal.GetReference(codes);
        nuint n = (nuint)codes.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
            i = MultiplyAdd2Vectors<Vector512<float>, Width512>(ref cr, firstScale, ref ar, secondScale, ref br, n);
        else if (Vector256.IsHardwareAccelerated)
            i = MultiplyAdd2Vectors<Vector256<float>, Width256>(ref cr, firstScale, ref ar, secondScale, ref br, n);
        else if (Vector128.IsHardwareAccelerated)
            i = MultiplyAdd2Vectors<Vector128<float>, Width128>(ref cr, firstScale, ref ar, secondScale, ref br, n);
        for (; i < n; i++)
        {
            Unsafe.Add(ref ar, i) = float.MultiplyAddEstimate(Unsafe.Add(ref cr, i), firstScale, Unsafe.Add(ref ar, i));
            Unsafe.Add(ref br, i) = float.MultiplyAddEstimate(Unsafe.Add(ref cr, i), secondScale, Unsafe.Add(ref br, i));
        }
    }

    /// <summary>
    /// Writes codes[j] = round(values[j] / step) and returns true when every value is a code of 0 … 255 times
    /// <paramref name="step"/>, exactly or to within one unit in the last place of the float (x / 255f and
    /// k·(1f / 255) differ by that much for about half of k). False for anything else: a negative value, −0, NaN,
    /// a value between steps or beyond 255 steps. The codes are meaningless when it returns false.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool TryEncode(ReadOnlySpan<float> values, float step, Span<byte> codes)
    {
        CheckLengths(values.Length, codes.Length);
        if (!(step > 0) || !float.IsFinite(step))
            throw new ArgumentOutOfRangeException(nameof(step), step, "The step must be positive and finite.");
        ref float vr = ref MemoryMarshal.GetReference(values);
        ref byte cr = ref MemoryMarshal.GetReference(codes);
        float inverse = 1f / step;
        nuint n = (nuint)values.Length, i = 0;
        bool accepted = true;
        if (Vector512.IsHardwareAccelerated)
            (accepted, i) = EncodeVectors<Vector512<float>, Width512>(ref vr, inverse, step, ref cr, n);
        else if (Vector256.IsHardwareAccelerated)
            (accepted, i) = EncodeVectors<Vector256<float>, Width256>(ref vr, inverse, step, ref cr, n);
        else if (Vector128.IsHardwareAccelerated)
            (accepted, i) = EncodeVectors<Vector128<float>, Width128>(ref vr, inverse, step, ref cr, n);
        for (; i < n; i++)
        {
            float value = Unsafe.Add(ref vr, i);
            uint code = (uint)(int)(value * inverse + 0.5f);
            float decoded = (int)code * step;
            uint distance = (uint)(BitConverter.SingleToInt32Bits(decoded) - BitConverter.SingleToInt32Bits(value) + 1);
            accepted &= code <= MaxCode && distance <= 2;
            Unsafe.Add(ref cr, i) = (byte)code;
        }
        return accepted;
    }

    // Four accumulators a sum: with two, each vector waited on the FMA before it (4 cycles) where the ports allow one
    // every 1.5 cycles (the conversion from codes shares them). Dot and Dot2 sum alike: vector k of a row goes to
    // accumulator k mod 4, the last blocks of two and one vectors start again from the first, and the four are added
    // pairwise. 784 features (49 × 16) then leave no scalar tail at any width.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (float Sum, nuint End) DotVectors<TVector, TWidth>(ref float x, ref byte codes, nuint n)
        where TVector : struct where TWidth : struct, IVectorWidth<TVector>
    {
        nuint i = 0, width = (nuint)TWidth.Count;
        TVector s0 = TWidth.Zero, s1 = TWidth.Zero, s2 = TWidth.Zero, s3 = TWidth.Zero;
        for (; i + 4 * width <= n; i += 4 * width)
        {
            s0 = TWidth.MultiplyAdd(TWidth.Load(ref x, i), TWidth.LoadCodes(ref codes, i), s0);
            s1 = TWidth.MultiplyAdd(TWidth.Load(ref x, i + width), TWidth.LoadCodes(ref codes, i + width), s1);
            s2 = TWidth.MultiplyAdd(TWidth.Load(ref x, i + 2 * width), TWidth.LoadCodes(ref codes, i + 2 * width), s2);
            s3 = TWidth.MultiplyAdd(TWidth.Load(ref x, i + 3 * width), TWidth.LoadCodes(ref codes, i + 3 * width), s3);
        }
        if (i + 2 * width <= n)
        {
            s0 = TWidth.MultiplyAdd(TWidth.Load(ref x, i), TWidth.LoadCodes(ref codes, i), s0);
            s1 = TWidth.MultiplyAdd(TWidth.Load(ref x, i + width), TWidth.LoadCodes(ref codes, i + width), s1);
            i += 2 * width;
        }
        if (i + width <= n)
        {
            s0 = TWidth.MultiplyAdd(TWidth.Load(ref x, i), TWidth.LoadCodes(ref codes, i), s0);
            i += width;
        }
        return (TWidth.Sum(TWidth.Add(TWidth.Add(s0, s1), TWidth.Add(s2, s3))), i);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (float First, float Second, nuint End) Dot2Vectors<TVector, TWidth>(ref float a, ref float b, ref byte codes, nuint n)
        where TVector : struct where TWidth : struct, IVectorWidth<TVector>
    {
        nuint i = 0, width = (nuint)TWidth.Count;
        TVector a0 = TWidth.Zero, a1 = TWidth.Zero, a2 = TWidth.Zero, a3 = TWidth.Zero;
        TVector b0 = TWidth.Zero, b1 = TWidth.Zero, b2 = TWidth.Zero, b3 = TWidth.Zero;
        for (; i + 4 * width <= n; i += 4 * width)
        {
            TVector q0 = TWidth.LoadCodes(ref codes, i), q1 = TWidth.LoadCodes(ref codes, i + width);
            TVector q2 = TWidth.LoadCodes(ref codes, i + 2 * width), q3 = TWidth.LoadCodes(ref codes, i + 3 * width);
            a0 = TWidth.MultiplyAdd(TWidth.Load(ref a, i), q0, a0);
            b0 = TWidth.MultiplyAdd(TWidth.Load(ref b, i), q0, b0);
            a1 = TWidth.MultiplyAdd(TWidth.Load(ref a, i + width), q1, a1);
            b1 = TWidth.MultiplyAdd(TWidth.Load(ref b, i + width), q1, b1);
            a2 = TWidth.MultiplyAdd(TWidth.Load(ref a, i + 2 * width), q2, a2);
            b2 = TWidth.MultiplyAdd(TWidth.Load(ref b, i + 2 * width), q2, b2);
            a3 = TWidth.MultiplyAdd(TWidth.Load(ref a, i + 3 * width), q3, a3);
            b3 = TWidth.MultiplyAdd(TWidth.Load(ref b, i + 3 * width), q3, b3);
        }
        if (i + 2 * width <= n)
        {
            TVector q0 = TWidth.LoadCodes(ref codes, i), q1 = TWidth.LoadCodes(ref codes, i + width);
            a0 = TWidth.MultiplyAdd(TWidth.Load(ref a, i), q0, a0);
            b0 = TWidth.MultiplyAdd(TWidth.Load(ref b, i), q0, b0);
            a1 = TWidth.MultiplyAdd(TWidth.Load(ref a, i + width), q1, a1);
            b1 = TWidth.MultiplyAdd(TWidth.Load(ref b, i + width), q1, b1);
            i += 2 * width;
        }
        if (i + width <= n)
        {
            TVector q0 = TWidth.LoadCodes(ref codes, i);
            a0 = TWidth.MultiplyAdd(TWidth.Load(ref a, i), q0, a0);
            b0 = TWidth.MultiplyAdd(TWidth.Load(ref b, i), q0, b0);
            i += width;
        }
        return (TWidth.Sum(TWidth.Add(TWidth.Add(a0, a1), TWidth.Add(a2, a3))),
                TWidth.Sum(TWidth.Add(TWidth.Add(b0, b1), TWidth.Add(b2, b3))), i);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static nuint MultiplyAddVectors<TVector, TWidth>(ref byte codes, float scale, ref float y, nuint n)
        where TVector : struct where TWidth : struct, IVectorWidth<TVector>
    {
        nuint i = 0, width = (nuint)TWidth.Count;
        TVector s = TWidth.Create(scale);
        for (; i + width <= n; i += width)
            TWidth.Store(TWidth.MultiplyAdd(TWidth.LoadCodes(ref codes, i), s, TWidth.Load(ref y, i)), ref y, i);
        return i;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static nuint MultiplyAdd2Vectors<TVector, TWidth>(ref byte codes, float firstScale, ref float a, float secondScale, ref float b, nuint n)
        where TVector : struct where TWidth : struct, IVectorWidth<TVector>
    {
        nuint i = 0, width = (nuint)TWidth.Count;
        TVector sa = TWidth.Create(firstScale), sb = TWidth.Create(secondScale);
        for (; i + width <= n; i += width)
        {
            TVector x = TWidth.LoadCodes(ref codes, i);
            TWidth.Store(TWidth.MultiplyAdd(x, sa, TWidth.Load(ref a, i)), ref a, i);
            TWidth.Store(TWidth.MultiplyAdd(x, sb, TWidth.Load(ref b, i)), ref b, i);
        }
        return i;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (bool Accepted, nuint End) EncodeVectors<TVector, TWidth>(ref float values, float inverse, float step, ref byte codes, nuint n)
        where TVector : struct where TWidth : struct, IVectorWidth<TVector>
    {
        nuint i = 0, width = (nuint)TWidth.Count;
        // Broadcast once: the JIT repeats a broadcast from a register in every iteration, on the shuffle port.
        TVector inverses = TWidth.Create(inverse), steps = TWidth.Create(step);
        // Two running maxima, tested once at the end, where a mask a vector cost two compares, a mask OR and two moves.
        TVector maxCode = TWidth.Zero, maxDistance = TWidth.Zero;
        for (; i + 4 * width <= n; i += 4 * width)
        {
            (TVector c0, TVector d0) = TWidth.EncodeCodes(TWidth.Load(ref values, i), inverses, steps);
            (TVector c1, TVector d1) = TWidth.EncodeCodes(TWidth.Load(ref values, i + width), inverses, steps);
            (TVector c2, TVector d2) = TWidth.EncodeCodes(TWidth.Load(ref values, i + 2 * width), inverses, steps);
            (TVector c3, TVector d3) = TWidth.EncodeCodes(TWidth.Load(ref values, i + 3 * width), inverses, steps);
            TWidth.StoreCodesBlock(c0, c1, c2, c3, ref codes, i);
            maxCode = TWidth.MaxUnsigned(maxCode, TWidth.MaxUnsigned(TWidth.MaxUnsigned(c0, c1), TWidth.MaxUnsigned(c2, c3)));
            maxDistance = TWidth.MaxUnsigned(maxDistance, TWidth.MaxUnsigned(TWidth.MaxUnsigned(d0, d1), TWidth.MaxUnsigned(d2, d3)));
        }
        for (; i + width <= n; i += width)
        {
            (TVector code, TVector distance) = TWidth.EncodeCodes(TWidth.Load(ref values, i), inverses, steps);
            TWidth.StoreCodes(code, ref codes, i);
            maxCode = TWidth.MaxUnsigned(maxCode, code);
            maxDistance = TWidth.MaxUnsigned(maxDistance, distance);
        }
        return (TWidth.AllAtMost(maxCode, MaxCode) && TWidth.AllAtMost(maxDistance, 2), i);
    }

    // The check runs for every row of every pass; the throw sits in its own method so that the check inlines.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CheckLengths(int denseLength, int codeLength)
    {
        if (denseLength != codeLength)
            ThrowLengthsDiffer(denseLength, codeLength);
    }

    private static void ThrowLengthsDiffer(int denseLength, int codeLength) =>
        throw new ArgumentException($"Lengths differ: {denseLength} floats and {codeLength} codes.");
}
