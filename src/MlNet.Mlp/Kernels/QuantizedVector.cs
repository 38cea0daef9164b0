using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MlNet.Mlp.Kernels;

/// <summary>
/// Vectors stored as one byte per entry: entry j is codes[j]·step for a step shared by the whole vector. Features
/// that take few evenly spaced values (8-bit pixels, 0/1 indicators, small counts) fit this exactly or to within one
/// unit in the last place, in a quarter of the memory of floats, which is what lets a multi-pass learner keep a
/// 12,000-row image set in the last-level cache. The loops leave the step to the caller, which folds it into one
/// scalar per row.
/// </summary>
internal static class QuantizedVector
{
    /// <summary>The largest code; entries are 0 … 255 steps.</summary>
    public const int MaxCode = byte.MaxValue;

    /// <summary>Σⱼ dense[j]·codes[j]; multiply by the step for the dot product with the decoded vector.</summary>
    public static float Dot(ReadOnlySpan<float> dense, ReadOnlySpan<byte> codes)
    {
        CheckLengths(dense.Length, codes.Length);
        ref float xr = ref MemoryMarshal.GetReference(dense);
        ref byte cr = ref MemoryMarshal.GetReference(codes);
        int n = codes.Length, i = 0;
        float sum = 0;
        // One accumulator per 16 codes in flight hides the FMA latency; the blocks are 16 codes wide so that the
        // usual feature counts (784 = 49 × 16) leave no scalar tail.
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<float> s0 = Vector512<float>.Zero, s1 = Vector512<float>.Zero;
            for (; i <= n - 32; i += 32)
            {
                s0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref xr, (nuint)i), Decode512(ref cr, i), s0);
                s1 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref xr, (nuint)(i + 16)), Decode512(ref cr, i + 16), s1);
            }
            if (i <= n - 16)
            {
                s0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref xr, (nuint)i), Decode512(ref cr, i), s0);
                i += 16;
            }
            sum = Vector512.Sum(s0 + s1);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> s0 = Vector256<float>.Zero, s1 = Vector256<float>.Zero;
            for (; i <= n - 16; i += 16)
            {
                s0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref xr, (nuint)i), Decode256(ref cr, i), s0);
                s1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref xr, (nuint)(i + 8)), Decode256(ref cr, i + 8), s1);
            }
            sum = Vector256.Sum(s0 + s1);
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            Vector128<float> s0 = Vector128<float>.Zero, s1 = Vector128<float>.Zero;
            for (; i <= n - 8; i += 8)
            {
                s0 = Vector128.FusedMultiplyAdd(Vector128.LoadUnsafe(ref xr, (nuint)i), Decode128(ref cr, i), s0);
                s1 = Vector128.FusedMultiplyAdd(Vector128.LoadUnsafe(ref xr, (nuint)(i + 4)), Decode128(ref cr, i + 4), s1);
            }
            sum = Vector128.Sum(s0 + s1);
        }
        for (; i < n; i++)
            sum = MathF.FusedMultiplyAdd(Unsafe.Add(ref xr, i), Unsafe.Add(ref cr, i), sum);
        return sum;
    }

    /// <summary>
    /// Σⱼ first[j]·codes[j] and Σⱼ second[j]·codes[j] in one pass, each summed exactly as <see cref="Dot"/> sums it:
    /// scoring a row against two weight vectors then decodes its codes once.
    /// </summary>
    public static (float First, float Second) Dot2(ReadOnlySpan<float> first, ReadOnlySpan<float> second, ReadOnlySpan<byte> codes)
    {
        CheckLengths(first.Length, codes.Length);
        CheckLengths(second.Length, codes.Length);
        ref float ar = ref MemoryMarshal.GetReference(first);
        ref float br = ref MemoryMarshal.GetReference(second);
        ref byte cr = ref MemoryMarshal.GetReference(codes);
        int n = codes.Length, i = 0;
        float sumA = 0, sumB = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<float> a0 = Vector512<float>.Zero, a1 = Vector512<float>.Zero, b0 = Vector512<float>.Zero, b1 = Vector512<float>.Zero;
            for (; i <= n - 32; i += 32)
            {
                Vector512<float> q0 = Decode512(ref cr, i), q1 = Decode512(ref cr, i + 16);
                a0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref ar, (nuint)i), q0, a0);
                a1 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref ar, (nuint)(i + 16)), q1, a1);
                b0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref br, (nuint)i), q0, b0);
                b1 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref br, (nuint)(i + 16)), q1, b1);
            }
            if (i <= n - 16)
            {
                Vector512<float> q0 = Decode512(ref cr, i);
                a0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref ar, (nuint)i), q0, a0);
                b0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref br, (nuint)i), q0, b0);
                i += 16;
            }
            sumA = Vector512.Sum(a0 + a1);
            sumB = Vector512.Sum(b0 + b1);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> a0 = Vector256<float>.Zero, a1 = Vector256<float>.Zero, b0 = Vector256<float>.Zero, b1 = Vector256<float>.Zero;
            for (; i <= n - 16; i += 16)
            {
                Vector256<float> q0 = Decode256(ref cr, i), q1 = Decode256(ref cr, i + 8);
                a0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref ar, (nuint)i), q0, a0);
                a1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref ar, (nuint)(i + 8)), q1, a1);
                b0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref br, (nuint)i), q0, b0);
                b1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref br, (nuint)(i + 8)), q1, b1);
            }
            sumA = Vector256.Sum(a0 + a1);
            sumB = Vector256.Sum(b0 + b1);
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            Vector128<float> a0 = Vector128<float>.Zero, a1 = Vector128<float>.Zero, b0 = Vector128<float>.Zero, b1 = Vector128<float>.Zero;
            for (; i <= n - 8; i += 8)
            {
                Vector128<float> q0 = Decode128(ref cr, i), q1 = Decode128(ref cr, i + 4);
                a0 = Vector128.FusedMultiplyAdd(Vector128.LoadUnsafe(ref ar, (nuint)i), q0, a0);
                a1 = Vector128.FusedMultiplyAdd(Vector128.LoadUnsafe(ref ar, (nuint)(i + 4)), q1, a1);
                b0 = Vector128.FusedMultiplyAdd(Vector128.LoadUnsafe(ref br, (nuint)i), q0, b0);
                b1 = Vector128.FusedMultiplyAdd(Vector128.LoadUnsafe(ref br, (nuint)(i + 4)), q1, b1);
            }
            sumA = Vector128.Sum(a0 + a1);
            sumB = Vector128.Sum(b0 + b1);
        }
        for (; i < n; i++)
        {
            sumA = MathF.FusedMultiplyAdd(Unsafe.Add(ref ar, i), Unsafe.Add(ref cr, i), sumA);
            sumB = MathF.FusedMultiplyAdd(Unsafe.Add(ref br, i), Unsafe.Add(ref cr, i), sumB);
        }
        return (sumA, sumB);
    }

    /// <summary>dense[j] += scale·codes[j]; pass scale·step to add a multiple of the decoded vector.</summary>
    public static void MultiplyAddTo(ReadOnlySpan<byte> codes, float scale, Span<float> dense)
    {
        CheckLengths(dense.Length, codes.Length);
        ref float yr = ref MemoryMarshal.GetReference(dense);
        ref byte cr = ref MemoryMarshal.GetReference(codes);
        int n = codes.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var s = Vector512.Create(scale);
            for (; i <= n - 16; i += 16)
                Vector512.FusedMultiplyAdd(Decode512(ref cr, i), s, Vector512.LoadUnsafe(ref yr, (nuint)i)).StoreUnsafe(ref yr, (nuint)i);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            var s = Vector256.Create(scale);
            for (; i <= n - 8; i += 8)
                Vector256.FusedMultiplyAdd(Decode256(ref cr, i), s, Vector256.LoadUnsafe(ref yr, (nuint)i)).StoreUnsafe(ref yr, (nuint)i);
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            var s = Vector128.Create(scale);
            for (; i <= n - 4; i += 4)
                Vector128.FusedMultiplyAdd(Decode128(ref cr, i), s, Vector128.LoadUnsafe(ref yr, (nuint)i)).StoreUnsafe(ref yr, (nuint)i);
        }
        for (; i < n; i++)
            Unsafe.Add(ref yr, i) = MathF.FusedMultiplyAdd(Unsafe.Add(ref cr, i), scale, Unsafe.Add(ref yr, i));
    }

    /// <summary>
    /// Writes codes[j] = round(values[j] / step) and returns true when every value is a code of 0 … 255 times
    /// <paramref name="step"/>, exactly or to within one unit in the last place of the float (x / 255f and
    /// k·(1f / 255) differ by that much for about half of k). False for anything else: a negative value, −0, NaN,
    /// a value between steps or beyond 255 steps. The codes are meaningless when it returns false.
    /// </summary>
    public static bool TryEncode(ReadOnlySpan<float> values, float step, Span<byte> codes)
    {
        CheckLengths(values.Length, codes.Length);
        if (!(step > 0) || !float.IsFinite(step))
            throw new ArgumentOutOfRangeException(nameof(step), step, "The step must be positive and finite.");
        ref float vr = ref MemoryMarshal.GetReference(values);
        ref byte cr = ref MemoryMarshal.GetReference(codes);
        int width = Vector<float>.Count;
        float inverse = 1f / step;
        bool accepted = true;
        int i = 0;
        // AVX-512 narrows 16 codes to bytes in one instruction, so its blocks are 16 values (784 = 49 × 16); the
        // general path narrows in pairs and needs blocks as wide as Vector<byte>.
        if (Vector512.IsHardwareAccelerated && Avx512F.IsSupported)
        {
            Vector512<uint> rejected512 = Vector512<uint>.Zero;
            for (; i <= values.Length - 16; i += 16)
            {
                Vector512<float> value = Vector512.LoadUnsafe(ref vr, (nuint)i);
                Vector512<int> code = Vector512.ConvertToInt32(value * inverse + Vector512.Create(0.5f));
                Vector512<float> decoded = Vector512.ConvertToSingle(code) * step;
                Vector512<uint> distance = (decoded.AsInt32() - value.AsInt32() + Vector512<int>.One).AsUInt32();
                rejected512 |= Vector512.GreaterThan(code.AsUInt32(), Vector512.Create((uint)MaxCode)) | Vector512.GreaterThan(distance, Vector512.Create(2u));
                Avx512F.ConvertToVector128Byte(code).StoreUnsafe(ref cr, (nuint)i);
            }
            accepted = rejected512 == Vector512<uint>.Zero;
        }
        Vector<uint> rejected = Vector<uint>.Zero;
        for (; i <= values.Length - Vector<byte>.Count; i += Vector<byte>.Count)
        {
            var q0 = Encode(Vector.LoadUnsafe(ref vr, (nuint)i), inverse, step, ref rejected);
            var q1 = Encode(Vector.LoadUnsafe(ref vr, (nuint)(i + width)), inverse, step, ref rejected);
            var q2 = Encode(Vector.LoadUnsafe(ref vr, (nuint)(i + 2 * width)), inverse, step, ref rejected);
            var q3 = Encode(Vector.LoadUnsafe(ref vr, (nuint)(i + 3 * width)), inverse, step, ref rejected);
            Vector.Narrow(Vector.Narrow(q0, q1), Vector.Narrow(q2, q3)).StoreUnsafe(ref cr, (nuint)i);
        }
        accepted &= rejected == Vector<uint>.Zero;
        for (; i < values.Length; i++)
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

    // Rounds to the nearest code (values are non-negative when they are valid, so adding ½ and truncating rounds)
    // and flags lanes whose code is out of range or whose decoded value is more than one float step away.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<uint> Encode(Vector<float> value, float inverse, float step, ref Vector<uint> rejected)
    {
        Vector<int> code = Vector.ConvertToInt32(value * inverse + new Vector<float>(0.5f));
        Vector<float> decoded = Vector.ConvertToSingle(code) * step;
        Vector<uint> distance = Vector.AsVectorUInt32(Vector.AsVectorInt32(decoded) - Vector.AsVectorInt32(value) + Vector<int>.One);
        rejected |= Vector.GreaterThan(Vector.AsVectorUInt32(code), new Vector<uint>(MaxCode)) | Vector.GreaterThan(distance, new Vector<uint>(2));
        return Vector.AsVectorUInt32(code);
    }

    // Codes [i, i + width) as floats. Codes are below 256, so the signed int conversion (one instruction, unlike the
    // unsigned one before AVX-512) is exact.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Decode512(ref byte codes, int i) =>
        Vector512.ConvertToSingle(Vector512.WidenLower(Vector512.WidenLower(
            Vector128.LoadUnsafe(ref codes, (nuint)i).ToVector256Unsafe().ToVector512Unsafe()).AsInt16()));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Decode256(ref byte codes, int i) =>
        Vector256.ConvertToSingle(Vector256.WidenLower(Vector256.WidenLower(
            Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref codes, i))).AsByte().ToVector256Unsafe()).AsInt16()));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Decode128(ref byte codes, int i) =>
        Vector128.ConvertToSingle(Vector128.WidenLower(Vector128.WidenLower(
            Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref codes, i))).AsByte()).AsInt16()));

    private static void CheckLengths(int denseLength, int codeLength)
    {
        if (denseLength != codeLength)
            throw new ArgumentException($"Lengths differ: {denseLength} floats and {codeLength} codes.");
    }
}
