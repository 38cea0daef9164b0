using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MlNet.Mlp.Kernels;

/// <summary>
/// y = W·x + b for one example and a row-major W (y.Length rows × x.Length columns): a dense layer's forward step
/// when a model scores one row at a time, as ML.NET's transformers and prediction engines do. A single row gains
/// nothing from a packed matrix product; what it needs is to read W once at the speed of the cache it sits in.
/// </summary>
/// <remarks>
/// <para>
/// Four rows of W are summed together, so each vector of x is loaded once for four of them; each row keeps two
/// accumulators (eight FMA chains in flight hide the FMA latency). Rows left over after the groups of four are summed
/// alone in exactly the same order, so an output's value never depends on where its row falls.
/// </para>
/// <para>
/// Fully optimised from the first call: a model's first thousands of rows would otherwise run through tier-0 code,
/// several times slower than the loop itself (scoring a 10,000-row test set after Fit spent most of its time there
/// when these were <c>TensorPrimitives.Dot</c> calls, one per output).
/// </para>
/// </remarks>
internal static class MatrixVector
{
    /// <summary>
    /// y[j] = (Σₖ W[j, k]·x[k]) + b[j], with W[j, k] = <paramref name="weights"/>[j·x.Length + k]. Each row's sum is
    /// taken in a fixed order (vector lanes, then their horizontal sum, then the scalar tail, then the bias).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MultiplyAdd(ReadOnlySpan<float> weights, ReadOnlySpan<float> x, ReadOnlySpan<float> bias, Span<float> y)
    {
        int rows = y.Length, columns = x.Length;
        if (weights.Length != (long)rows * columns)
            throw new ArgumentException($"{weights.Length} weights for {rows} outputs × {columns} inputs.", nameof(weights));
        if (bias.Length != rows)
            throw new ArgumentException($"{bias.Length} biases for {rows} outputs.", nameof(bias));
        ref float w = ref MemoryMarshal.GetReference(weights);
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float b = ref MemoryMarshal.GetReference(bias);
        ref float yr = ref MemoryMarshal.GetReference(y);
        if (Vector512.IsHardwareAccelerated)
            Rows<Vector512<float>, Width512>(ref w, ref xr, ref b, ref yr, rows, columns);
        else if (Vector256.IsHardwareAccelerated)
            Rows<Vector256<float>, Width256>(ref w, ref xr, ref b, ref yr, rows, columns);
        else if (Vector128.IsHardwareAccelerated)
            Rows<Vector128<float>, Width128>(ref w, ref xr, ref b, ref yr, rows, columns);
        else
        {
            for (int j = 0; j < rows; j++)
                Unsafe.Add(ref yr, j) = Tail(ref Unsafe.Add(ref w, (nint)j * columns), ref xr, 0, (nuint)columns, 0f) + Unsafe.Add(ref b, j);
        }
    }

    /// <summary>
    /// Σₖ w[k]·x[k] + b for a single row (a linear model's score), summed exactly as <see cref="MultiplyAdd"/> sums
    /// each of its rows.
    /// </summary>
    public static float DotAdd(ReadOnlySpan<float> weights, ReadOnlySpan<float> x, float bias)
    {
        float y = 0;
        MultiplyAdd(weights, x, new ReadOnlySpan<float>(in bias), new Span<float>(ref y));
        return y;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Rows<TVector, TWidth>(ref float w, ref float x, ref float b, ref float y, int rows, int columns)
        where TVector : struct where TWidth : struct, IVectorWidth<TVector>
    {
        nuint n = (nuint)columns, stride = (nuint)columns;
        int j = 0;
        for (; j + 4 <= rows; j += 4)
        {
            ref float w0 = ref Unsafe.Add(ref w, (nuint)j * stride);
            FourRows<TVector, TWidth>(ref w0, stride, ref x, n, ref Unsafe.Add(ref b, j), ref Unsafe.Add(ref y, j));
        }
        for (; j < rows; j++)
        {
            ref float wj = ref Unsafe.Add(ref w, (nuint)j * stride);
            (TVector even, TVector odd, nuint end) = OneRowVectors<TVector, TWidth>(ref wj, ref x, n);
            Unsafe.Add(ref y, j) = Tail(ref wj, ref x, end, n, TWidth.Sum(TWidth.Add(even, odd))) + Unsafe.Add(ref b, j);
        }
    }

    // The sums of OneRowVectors for four rows at once: the same blocks into the same accumulators, so each row's
    // result is bit for bit what the one-row path gives it.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void FourRows<TVector, TWidth>(ref float w0, nuint stride, ref float x, nuint n, ref float b, ref float y)
        where TVector : struct where TWidth : struct, IVectorWidth<TVector>
    {
        ref float w1 = ref Unsafe.Add(ref w0, stride);
        ref float w2 = ref Unsafe.Add(ref w1, stride);
        ref float w3 = ref Unsafe.Add(ref w2, stride);
        nuint i = 0, width = (nuint)TWidth.Count;
        TVector e0 = TWidth.Zero, e1 = TWidth.Zero, e2 = TWidth.Zero, e3 = TWidth.Zero;
        TVector o0 = TWidth.Zero, o1 = TWidth.Zero, o2 = TWidth.Zero, o3 = TWidth.Zero;
        for (; i + 2 * width <= n; i += 2 * width)
        {
            TVector xe = TWidth.Load(ref x, i), xo = TWidth.Load(ref x, i + width);
            e0 = TWidth.MultiplyAdd(TWidth.Load(ref w0, i), xe, e0);
            e1 = TWidth.MultiplyAdd(TWidth.Load(ref w1, i), xe, e1);
            e2 = TWidth.MultiplyAdd(TWidth.Load(ref w2, i), xe, e2);
            e3 = TWidth.MultiplyAdd(TWidth.Load(ref w3, i), xe, e3);
            o0 = TWidth.MultiplyAdd(TWidth.Load(ref w0, i + width), xo, o0);
            o1 = TWidth.MultiplyAdd(TWidth.Load(ref w1, i + width), xo, o1);
            o2 = TWidth.MultiplyAdd(TWidth.Load(ref w2, i + width), xo, o2);
            o3 = TWidth.MultiplyAdd(TWidth.Load(ref w3, i + width), xo, o3);
        }
        if (i + width <= n)
        {
            TVector xe = TWidth.Load(ref x, i);
            e0 = TWidth.MultiplyAdd(TWidth.Load(ref w0, i), xe, e0);
            e1 = TWidth.MultiplyAdd(TWidth.Load(ref w1, i), xe, e1);
            e2 = TWidth.MultiplyAdd(TWidth.Load(ref w2, i), xe, e2);
            e3 = TWidth.MultiplyAdd(TWidth.Load(ref w3, i), xe, e3);
            i += width;
        }
        y = Tail(ref w0, ref x, i, n, TWidth.Sum(TWidth.Add(e0, o0))) + b;
        Unsafe.Add(ref y, 1) = Tail(ref w1, ref x, i, n, TWidth.Sum(TWidth.Add(e1, o1))) + Unsafe.Add(ref b, 1);
        Unsafe.Add(ref y, 2) = Tail(ref w2, ref x, i, n, TWidth.Sum(TWidth.Add(e2, o2))) + Unsafe.Add(ref b, 2);
        Unsafe.Add(ref y, 3) = Tail(ref w3, ref x, i, n, TWidth.Sum(TWidth.Add(e3, o3))) + Unsafe.Add(ref b, 3);
    }

    // Even vector blocks into one accumulator, odd ones into the other, a last single block into the even one: the
    // blocking of QuantizedVector's dot products, whose second operand is byte codes widened as they load.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (TVector Even, TVector Odd, nuint End) OneRowVectors<TVector, TWidth>(ref float w, ref float x, nuint n)
        where TVector : struct where TWidth : struct, IVectorWidth<TVector>
    {
        nuint i = 0, width = (nuint)TWidth.Count;
        TVector even = TWidth.Zero, odd = TWidth.Zero;
        for (; i + 2 * width <= n; i += 2 * width)
        {
            even = TWidth.MultiplyAdd(TWidth.Load(ref w, i), TWidth.Load(ref x, i), even);
            odd = TWidth.MultiplyAdd(TWidth.Load(ref w, i + width), TWidth.Load(ref x, i + width), odd);
        }
        if (i + width <= n)
        {
            even = TWidth.MultiplyAdd(TWidth.Load(ref w, i), TWidth.Load(ref x, i), even);
            i += width;
        }
        return (even, odd, i);
    }

    // The columns after the last whole vector, added to the vector part's sum one at a time.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Tail(ref float w, ref float x, nuint start, nuint n, float sum)
    {
        for (nuint i = start; i < n; i++)
            sum = float.MultiplyAddEstimate(Unsafe.Add(ref w, i), Unsafe.Add(ref x, i), sum);
        return sum;
    }
}
