using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MlNet.Mlp.Kernels;

/// <summary>
/// One SIMD width (512, 256 or 128 bits of floats) as a set of static operations, so that a kernel loop or an
/// elementwise operator is written once, generic over the width, and the JIT specialises it for each: the loop
/// drivers (<see cref="ElementwiseLoops"/>, <see cref="QuantizedVector"/>) pick the widest width the hardware
/// accelerates and finish with a scalar tail. Every member is the same-named <c>Vector512</c>/<c>Vector256</c>/
/// <c>Vector128</c> operation (<c>Sum</c>: the same additions in the same order, written out), so an element's result
/// does not depend on the width that computed it.
/// </summary>
/// <remarks>
/// The drivers choose the width with the runtime's own <c>Vector512.IsHardwareAccelerated</c> (and 256, 128), not
/// with a member here: the JIT folds the runtime's property while it imports the driver and never looks at the other
/// widths' branches, where a property of ours is a call until inlining, by which time every width's loop has been
/// inlined too. On an AVX2 machine that meant compiling the 512-bit loops over Vector512's software fallback: the
/// first compilation of <see cref="FiniteValues.AllFinite"/> took 9–12 ms instead of 2.
/// </remarks>
/// <typeparam name="TVector">The vector type, e.g. <see cref="Vector512{T}"/> of float.</typeparam>
internal interface IVectorWidth<TVector> where TVector : struct
{
    /// <summary>Floats per vector.</summary>
    static abstract int Count { get; }

    static abstract TVector Zero { get; }
    static abstract TVector Create(float value);
    static abstract TVector Load(ref float source, nuint index);
    static abstract void Store(TVector value, ref float destination, nuint index);
    static abstract TVector Add(TVector x, TVector y);
    static abstract TVector Subtract(TVector x, TVector y);
    static abstract TVector Multiply(TVector x, TVector y);
    static abstract TVector Divide(TVector x, TVector y);

    /// <summary>x·y + addend: one fused instruction where the hardware has FMA, a multiply and an add elsewhere
    /// (matching <see cref="float.MultiplyAddEstimate"/> in scalar tails).</summary>
    static abstract TVector MultiplyAdd(TVector x, TVector y, TVector addend);

    /// <summary>IEEE maximum and minimum, as <see cref="MathF.Max"/> and <see cref="MathF.Min"/>.</summary>
    static abstract TVector Max(TVector x, TVector y);
    static abstract TVector Min(TVector x, TVector y);
    static abstract TVector Abs(TVector x);
    static abstract TVector Sqrt(TVector x);

    /// <summary>e^x per lane (the runtime's vector exponential, within a few units in the last place).</summary>
    static abstract TVector Exp(TVector x);

    /// <summary>The largest lane (IEEE maximum, as <see cref="Max"/>).</summary>
    static abstract float MaxAcross(TVector x);

    /// <summary>Lane masks: all bits set where the comparison holds, else zero.</summary>
    static abstract TVector GreaterThan(TVector x, TVector y);
    static abstract TVector GreaterThanOrEqual(TVector x, TVector y);
    static abstract TVector LessThan(TVector x, TVector y);
    static abstract TVector ConditionalSelect(TVector mask, TVector whenTrue, TVector whenFalse);

    /// <summary>The sum of the lanes.</summary>
    static abstract float Sum(TVector x);

    /// <summary><see cref="Count"/> byte codes from <paramref name="codes"/> + <paramref name="index"/>, as floats.</summary>
    static abstract TVector LoadCodes(ref byte codes, nuint index);

    /// <summary>
    /// Code round(v·<paramref name="inverse"/>) of each lane v of <paramref name="values"/>, and how far, in float
    /// steps plus one, the decoded value code·<paramref name="step"/> lies from v: both as the bits of unsigned ints.
    /// A lane is such a code times the step exactly when its code is at most 255 and that distance at most 2 (so
    /// negative values, −0, NaN and infinities are not). See <see cref="QuantizedVector.TryEncode"/>.
    /// </summary>
    static abstract (TVector Code, TVector Distance) EncodeCodes(TVector values, TVector inverse, TVector step);

    /// <summary>Stores each lane's code from <see cref="EncodeCodes"/> as a byte at <paramref name="codes"/> + <paramref name="index"/>.</summary>
    static abstract void StoreCodes(TVector code, ref byte codes, nuint index);

    /// <summary>
    /// <see cref="StoreCodes"/> for four vectors of codes in a row, narrowed to bytes together. A code above 255 may
    /// store as any byte: its lane does not fit, and the caller turns the whole vector of values away.
    /// </summary>
    static abstract void StoreCodesBlock(TVector c0, TVector c1, TVector c2, TVector c3, ref byte codes, nuint index);

    /// <summary>The larger of each pair of lanes, compared as unsigned ints.</summary>
    static abstract TVector MaxUnsigned(TVector x, TVector y);

    /// <summary>Whether every lane, as an unsigned int, is at most <paramref name="limit"/>.</summary>
    static abstract bool AllAtMost(TVector x, uint limit);
}

/// <summary>AVX-512 (and any 512-bit SIMD): 16 floats.</summary>
internal readonly struct Width512 : IVectorWidth<Vector512<float>>
{
    public static int Count => Vector512<float>.Count;
    public static Vector512<float> Zero => Vector512<float>.Zero;
    public static Vector512<float> Create(float value) => Vector512.Create(value);
    public static Vector512<float> Load(ref float source, nuint index) => Vector512.LoadUnsafe(ref source, index);
    public static void Store(Vector512<float> value, ref float destination, nuint index) => value.StoreUnsafe(ref destination, index);
    public static Vector512<float> Add(Vector512<float> x, Vector512<float> y) => x + y;
    public static Vector512<float> Subtract(Vector512<float> x, Vector512<float> y) => x - y;
    public static Vector512<float> Multiply(Vector512<float> x, Vector512<float> y) => x * y;
    public static Vector512<float> Divide(Vector512<float> x, Vector512<float> y) => x / y;
    public static Vector512<float> MultiplyAdd(Vector512<float> x, Vector512<float> y, Vector512<float> addend) => Vector512.MultiplyAddEstimate(x, y, addend);
    public static Vector512<float> Max(Vector512<float> x, Vector512<float> y) => Vector512.Max(x, y);
    public static Vector512<float> Min(Vector512<float> x, Vector512<float> y) => Vector512.Min(x, y);
    public static Vector512<float> Abs(Vector512<float> x) => Vector512.Abs(x);
    public static Vector512<float> Sqrt(Vector512<float> x) => Vector512.Sqrt(x);
    public static Vector512<float> Exp(Vector512<float> x) => Vector512.Exp(x);
    public static float MaxAcross(Vector512<float> x) => MaxOfLanes(x);
    public static Vector512<float> GreaterThan(Vector512<float> x, Vector512<float> y) => Vector512.GreaterThan(x, y);
    public static Vector512<float> GreaterThanOrEqual(Vector512<float> x, Vector512<float> y) => Vector512.GreaterThanOrEqual(x, y);
    public static Vector512<float> LessThan(Vector512<float> x, Vector512<float> y) => Vector512.LessThan(x, y);
    public static Vector512<float> ConditionalSelect(Vector512<float> mask, Vector512<float> whenTrue, Vector512<float> whenFalse) => Vector512.ConditionalSelect(mask, whenTrue, whenFalse);
    public static float Sum(Vector512<float> x) => SumOfLanes(x);

    // Codes are below 256, so the signed int conversion (one instruction, unlike the unsigned one) is exact. The
    // widening is one byte-to-int zero extension where the ISA has it: two chained widenings (bytes to shorts to
    // ints) cost two shuffles, and shuffles share one port with the FMAs of a 512-bit dot product.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> LoadCodes(ref byte codes, nuint index)
    {
        Vector128<byte> bytes = Vector128.LoadUnsafe(ref codes, index);
        return Avx512F.IsSupported
            ? Avx512F.ConvertToVector512Single(Avx512F.ConvertToVector512Int32(bytes))
            : Vector512.ConvertToSingle(Vector512.WidenLower(Vector512.WidenLower(bytes.ToVector256Unsafe().ToVector512Unsafe()).AsInt16()));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreCodes(Vector512<float> code, ref byte codes, nuint index)
    {
        // AVX-512 narrows 16 ints to bytes in one instruction.
        if (Avx512F.IsSupported)
            Avx512F.ConvertToVector128Byte(code.AsUInt32()).StoreUnsafe(ref codes, index);
        else
            Vector512.Narrow(Vector512.Narrow(code.AsUInt32(), code.AsUInt32()), Vector512<ushort>.Zero).GetLower().GetLower().StoreUnsafe(ref codes, index);
    }

    /// <summary>Where the dwords of two rounds of 128-bit-lane packing land: see <see cref="StoreCodesBlock"/>.</summary>
    private static Vector512<int> PackedLaneOrder => Vector512.Create(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15);

    // Two rounds of saturating packs and one permutation narrow 64 codes with 4 shuffles, where the one-vector
    // narrowing store costs 2 shuffles for 16, and shuffles share a port with the conversions. The packs work within
    // 128-bit lanes, leaving code group 4k + j (four codes) of the block at dword 4j + k; the permutation puts it back.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreCodesBlock(Vector512<float> c0, Vector512<float> c1, Vector512<float> c2, Vector512<float> c3, ref byte codes, nuint index)
    {
        if (!Avx512BW.IsSupported)
        {
            nuint width = (nuint)Vector512<float>.Count;
            StoreCodes(c0, ref codes, index);
            StoreCodes(c1, ref codes, index + width);
            StoreCodes(c2, ref codes, index + 2 * width);
            StoreCodes(c3, ref codes, index + 3 * width);
            return;
        }
        Vector512<ushort> low = Avx512BW.PackUnsignedSaturate(c0.AsInt32(), c1.AsInt32());
        Vector512<ushort> high = Avx512BW.PackUnsignedSaturate(c2.AsInt32(), c3.AsInt32());
        Vector512<byte> packed = Avx512BW.PackUnsignedSaturate(low.AsInt16(), high.AsInt16());
        Avx512F.PermuteVar16x32(packed.AsInt32(), PackedLaneOrder).AsByte().StoreUnsafe(ref codes, index);
    }

    public static Vector512<float> MaxUnsigned(Vector512<float> x, Vector512<float> y) => Vector512.Max(x.AsUInt32(), y.AsUInt32()).AsSingle();

    public static bool AllAtMost(Vector512<float> x, uint limit) => Vector512.LessThanOrEqualAll(x.AsUInt32(), Vector512.Create(limit));

    // Valid values are non-negative, so adding ½ and truncating rounds; a lane's distance is counted in float steps
    // (the difference of the bit patterns) so that k·step and k/(1/step) both pass. The plain truncation turns NaN and
    // values beyond int's range into 2³¹, which no code reaches; the runtime's saturating conversion (NaN to 0) costs
    // three more instructions a vector and turns away the same lanes.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector512<float> Code, Vector512<float> Distance) EncodeCodes(Vector512<float> values, Vector512<float> inverse, Vector512<float> step)
    {
        Vector512<float> rounded = Vector512.MultiplyAddEstimate(values, inverse, Vector512.Create(0.5f));
        Vector512<int> code = Avx512F.IsSupported ? Avx512F.ConvertToVector512Int32WithTruncation(rounded) : Vector512.ConvertToInt32(rounded);
        Vector512<float> decoded = Vector512.ConvertToSingle(code) * step;
        Vector512<int> distance = decoded.AsInt32() - values.AsInt32() + Vector512<int>.One;
        return (code.AsSingle(), distance.AsSingle());
    }

    private static float MaxOfLanes(Vector512<float> x) => Width256.MaxAcross(Vector256.Max(x.GetLower(), x.GetUpper()));

    /// <summary>
    /// Vector512.Sum's additions in its order, (q₀ + q₁) + (q₂ + q₃) with each 128-bit quarter q = (e₀ + e₁) + (e₂ + e₃),
    /// so the same bits; the runtime reduces each quarter on its own (about 26 instructions on a dot product's
    /// critical path), this reduces all four at once in 8.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float SumOfLanes(Vector512<float> x)
    {
        if (!Avx512F.IsSupported)
            return Vector512.Sum(x);
        Vector512<float> pairs = x + Avx512F.Permute4x32(x, 0b10_11_00_01);
        Vector512<float> quarters = pairs + Avx512F.Permute4x32(pairs, 0b01_00_11_10);
        Vector512<float> halves = quarters + Avx512F.Shuffle4x128(quarters, quarters, 0b10_11_00_01);
        return (halves + Avx512F.Shuffle4x128(halves, halves, 0b01_00_11_10)).ToScalar();
    }
}

/// <summary>AVX2 (and any 256-bit SIMD): 8 floats.</summary>
internal readonly struct Width256 : IVectorWidth<Vector256<float>>
{
    public static int Count => Vector256<float>.Count;
    public static Vector256<float> Zero => Vector256<float>.Zero;
    public static Vector256<float> Create(float value) => Vector256.Create(value);
    public static Vector256<float> Load(ref float source, nuint index) => Vector256.LoadUnsafe(ref source, index);
    public static void Store(Vector256<float> value, ref float destination, nuint index) => value.StoreUnsafe(ref destination, index);
    public static Vector256<float> Add(Vector256<float> x, Vector256<float> y) => x + y;
    public static Vector256<float> Subtract(Vector256<float> x, Vector256<float> y) => x - y;
    public static Vector256<float> Multiply(Vector256<float> x, Vector256<float> y) => x * y;
    public static Vector256<float> Divide(Vector256<float> x, Vector256<float> y) => x / y;
    public static Vector256<float> MultiplyAdd(Vector256<float> x, Vector256<float> y, Vector256<float> addend) => Vector256.MultiplyAddEstimate(x, y, addend);
    public static Vector256<float> Max(Vector256<float> x, Vector256<float> y) => Vector256.Max(x, y);
    public static Vector256<float> Min(Vector256<float> x, Vector256<float> y) => Vector256.Min(x, y);
    public static Vector256<float> Abs(Vector256<float> x) => Vector256.Abs(x);
    public static Vector256<float> Sqrt(Vector256<float> x) => Vector256.Sqrt(x);
    public static Vector256<float> Exp(Vector256<float> x) => Vector256.Exp(x);
    public static float MaxAcross(Vector256<float> x) => MaxOfLanes(x);
    public static Vector256<float> GreaterThan(Vector256<float> x, Vector256<float> y) => Vector256.GreaterThan(x, y);
    public static Vector256<float> GreaterThanOrEqual(Vector256<float> x, Vector256<float> y) => Vector256.GreaterThanOrEqual(x, y);
    public static Vector256<float> LessThan(Vector256<float> x, Vector256<float> y) => Vector256.LessThan(x, y);
    public static Vector256<float> ConditionalSelect(Vector256<float> mask, Vector256<float> whenTrue, Vector256<float> whenFalse) => Vector256.ConditionalSelect(mask, whenTrue, whenFalse);
    public static float Sum(Vector256<float> x) => SumOfLanes(x);

    // One zero extension where AVX2 has it (see Width512.LoadCodes): the 256-bit shuffles all run on one port.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> LoadCodes(ref byte codes, nuint index)
    {
        Vector128<byte> bytes = Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref codes, index))).AsByte();
        return Avx2.IsSupported
            ? Avx.ConvertToVector256Single(Avx2.ConvertToVector256Int32(bytes))
            : Vector256.ConvertToSingle(Vector256.WidenLower(Vector256.WidenLower(bytes.ToVector256Unsafe()).AsInt16()));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreCodes(Vector256<float> code, ref byte codes, nuint index)
    {
        Vector256<byte> bytes = Vector256.Narrow(Vector256.Narrow(code.AsUInt32(), code.AsUInt32()), Vector256<ushort>.Zero);
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref codes, index), bytes.AsUInt64().ToScalar());
    }

    // Two rounds of saturating packs narrow 32 codes, then one permutation undoes the packs' 128-bit lanes (code
    // group 2k + j of four codes lands at dword 4j + k); the runtime's narrowing masks each vector first.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreCodesBlock(Vector256<float> c0, Vector256<float> c1, Vector256<float> c2, Vector256<float> c3, ref byte codes, nuint index)
    {
        if (!Avx2.IsSupported)
        {
            Vector256.Narrow(Vector256.Narrow(c0.AsUInt32(), c1.AsUInt32()), Vector256.Narrow(c2.AsUInt32(), c3.AsUInt32())).StoreUnsafe(ref codes, index);
            return;
        }
        Vector256<ushort> low = Avx2.PackUnsignedSaturate(c0.AsInt32(), c1.AsInt32());
        Vector256<ushort> high = Avx2.PackUnsignedSaturate(c2.AsInt32(), c3.AsInt32());
        Vector256<byte> packed = Avx2.PackUnsignedSaturate(low.AsInt16(), high.AsInt16());
        Avx2.PermuteVar8x32(packed.AsInt32(), Vector256.Create(0, 4, 1, 5, 2, 6, 3, 7)).AsByte().StoreUnsafe(ref codes, index);
    }

    public static Vector256<float> MaxUnsigned(Vector256<float> x, Vector256<float> y) => Vector256.Max(x.AsUInt32(), y.AsUInt32()).AsSingle();

    public static bool AllAtMost(Vector256<float> x, uint limit) => Vector256.LessThanOrEqualAll(x.AsUInt32(), Vector256.Create(limit));

    // See Width512.EncodeCodes.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector256<float> Code, Vector256<float> Distance) EncodeCodes(Vector256<float> values, Vector256<float> inverse, Vector256<float> step)
    {
        Vector256<float> rounded = Vector256.MultiplyAddEstimate(values, inverse, Vector256.Create(0.5f));
        Vector256<int> code = Avx.IsSupported ? Avx.ConvertToVector256Int32WithTruncation(rounded) : Vector256.ConvertToInt32(rounded);
        Vector256<float> decoded = Vector256.ConvertToSingle(code) * step;
        Vector256<int> distance = decoded.AsInt32() - values.AsInt32() + Vector256<int>.One;
        return (code.AsSingle(), distance.AsSingle());
    }

    private static float MaxOfLanes(Vector256<float> x) => Width128.MaxAcross(Vector128.Max(x.GetLower(), x.GetUpper()));

    /// <summary>
    /// Vector256.Sum's additions in its order, q₀ + q₁ with each 128-bit half q = (e₀ + e₁) + (e₂ + e₃), so the same
    /// bits, with both halves reduced at once (see Width512.SumOfLanes).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float SumOfLanes(Vector256<float> x)
    {
        if (!Avx.IsSupported)
            return Vector256.Sum(x);
        Vector256<float> pairs = x + Avx.Permute(x, 0b10_11_00_01);
        Vector256<float> halves = pairs + Avx.Permute(pairs, 0b01_00_11_10);
        return halves.ToScalar() + halves.GetUpper().ToScalar();
    }
}

/// <summary>SSE, NEON (any 128-bit SIMD): 4 floats.</summary>
internal readonly struct Width128 : IVectorWidth<Vector128<float>>
{
    public static int Count => Vector128<float>.Count;
    public static Vector128<float> Zero => Vector128<float>.Zero;
    public static Vector128<float> Create(float value) => Vector128.Create(value);
    public static Vector128<float> Load(ref float source, nuint index) => Vector128.LoadUnsafe(ref source, index);
    public static void Store(Vector128<float> value, ref float destination, nuint index) => value.StoreUnsafe(ref destination, index);
    public static Vector128<float> Add(Vector128<float> x, Vector128<float> y) => x + y;
    public static Vector128<float> Subtract(Vector128<float> x, Vector128<float> y) => x - y;
    public static Vector128<float> Multiply(Vector128<float> x, Vector128<float> y) => x * y;
    public static Vector128<float> Divide(Vector128<float> x, Vector128<float> y) => x / y;
    public static Vector128<float> MultiplyAdd(Vector128<float> x, Vector128<float> y, Vector128<float> addend) => Vector128.MultiplyAddEstimate(x, y, addend);
    public static Vector128<float> Max(Vector128<float> x, Vector128<float> y) => Vector128.Max(x, y);
    public static Vector128<float> Min(Vector128<float> x, Vector128<float> y) => Vector128.Min(x, y);
    public static Vector128<float> Abs(Vector128<float> x) => Vector128.Abs(x);
    public static Vector128<float> Sqrt(Vector128<float> x) => Vector128.Sqrt(x);
    public static Vector128<float> Exp(Vector128<float> x) => Vector128.Exp(x);
    public static float MaxAcross(Vector128<float> x) => MaxOfLanes(x);
    public static Vector128<float> GreaterThan(Vector128<float> x, Vector128<float> y) => Vector128.GreaterThan(x, y);
    public static Vector128<float> GreaterThanOrEqual(Vector128<float> x, Vector128<float> y) => Vector128.GreaterThanOrEqual(x, y);
    public static Vector128<float> LessThan(Vector128<float> x, Vector128<float> y) => Vector128.LessThan(x, y);
    public static Vector128<float> ConditionalSelect(Vector128<float> mask, Vector128<float> whenTrue, Vector128<float> whenFalse) => Vector128.ConditionalSelect(mask, whenTrue, whenFalse);
    public static float Sum(Vector128<float> x) => Vector128.Sum(x);

    // One zero extension where SSE4.1 has it (see Width512.LoadCodes).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> LoadCodes(ref byte codes, nuint index)
    {
        Vector128<byte> bytes = Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref codes, index))).AsByte();
        return Sse41.IsSupported
            ? Sse2.ConvertToVector128Single(Sse41.ConvertToVector128Int32(bytes))
            : Vector128.ConvertToSingle(Vector128.WidenLower(Vector128.WidenLower(bytes).AsInt16()));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreCodes(Vector128<float> code, ref byte codes, nuint index)
    {
        Vector128<byte> bytes = Vector128.Narrow(Vector128.Narrow(code.AsUInt32(), code.AsUInt32()), Vector128<ushort>.Zero);
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref codes, index), bytes.AsUInt32().ToScalar());
    }

    // Two rounds of saturating packs narrow 16 codes in order; the runtime's narrowing masks each vector first.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreCodesBlock(Vector128<float> c0, Vector128<float> c1, Vector128<float> c2, Vector128<float> c3, ref byte codes, nuint index)
    {
        if (!Sse41.IsSupported)
        {
            Vector128.Narrow(Vector128.Narrow(c0.AsUInt32(), c1.AsUInt32()), Vector128.Narrow(c2.AsUInt32(), c3.AsUInt32())).StoreUnsafe(ref codes, index);
            return;
        }
        Vector128<ushort> low = Sse41.PackUnsignedSaturate(c0.AsInt32(), c1.AsInt32());
        Vector128<ushort> high = Sse41.PackUnsignedSaturate(c2.AsInt32(), c3.AsInt32());
        Sse2.PackUnsignedSaturate(low.AsInt16(), high.AsInt16()).StoreUnsafe(ref codes, index);
    }

    public static Vector128<float> MaxUnsigned(Vector128<float> x, Vector128<float> y) => Vector128.Max(x.AsUInt32(), y.AsUInt32()).AsSingle();

    public static bool AllAtMost(Vector128<float> x, uint limit) => Vector128.LessThanOrEqualAll(x.AsUInt32(), Vector128.Create(limit));

    // See Width512.EncodeCodes.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector128<float> Code, Vector128<float> Distance) EncodeCodes(Vector128<float> values, Vector128<float> inverse, Vector128<float> step)
    {
        Vector128<float> rounded = Vector128.MultiplyAddEstimate(values, inverse, Vector128.Create(0.5f));
        Vector128<int> code = Sse2.IsSupported ? Sse2.ConvertToVector128Int32WithTruncation(rounded) : Vector128.ConvertToInt32(rounded);
        Vector128<float> decoded = Vector128.ConvertToSingle(code) * step;
        Vector128<int> distance = decoded.AsInt32() - values.AsInt32() + Vector128<int>.One;
        return (code.AsSingle(), distance.AsSingle());
    }

    private static float MaxOfLanes(Vector128<float> x) => MathF.Max(MathF.Max(x[0], x[1]), MathF.Max(x[2], x[3]));
}
