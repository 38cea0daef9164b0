using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MlNet.Mlp.Kernels;

/// <summary>
/// The loop drivers of the elementwise kernels, one per shape of loop: whole vectors of the widest width the
/// hardware accelerates, then a scalar tail, calling the operator (<see cref="IUnaryOperator"/> and its siblings)
/// for each. Outputs may be the same span as an input (in place); otherwise they must not overlap.
/// </summary>
/// <remarks>
/// An element's result depends only on the operator, never on the width or on whether it fell in the tail, so a
/// caller may split a span into chunks (threads do, at multiples of 64 elements) and get the same bits. Compiled
/// fully optimised on first call: tier-0 code of a vector loop is several times slower, and a training run's first
/// epoch should not pay for it.
/// </remarks>
internal static class ElementwiseLoops
{
    /// <summary>
    /// Floats per vector of the width these drivers run: 16, 8 or 4, or 1 without vector hardware. Spans of a multiple
    /// of it run without a scalar tail.
    /// </summary>
    public static int VectorLength =>
        Vector512.IsHardwareAccelerated ? Width512.Count : Vector256.IsHardwareAccelerated ? Width256.Count : Vector128.IsHardwareAccelerated ? Width128.Count : 1;

    /// <summary>destination[i] = op(x[i]).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Map<TOp>(in TOp op, ReadOnlySpan<float> x, Span<float> destination) where TOp : struct, IUnaryOperator
    {
        CheckDestination(x.Length, destination.Length);
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float dr = ref MemoryMarshal.GetReference(destination);
        nuint n = (nuint)x.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
            i = MapVectors<TOp, Vector512<float>, Width512>(op, ref xr, ref dr, n);
        else if (Vector256.IsHardwareAccelerated)
            i = MapVectors<TOp, Vector256<float>, Width256>(op, ref xr, ref dr, n);
        else if (Vector128.IsHardwareAccelerated)
            i = MapVectors<TOp, Vector128<float>, Width128>(op, ref xr, ref dr, n);
        for (; i < n; i++)
            Unsafe.Add(ref dr, i) = op.Invoke(Unsafe.Add(ref xr, i));
    }

    /// <summary>destination[i] = op(x[i], y[i]).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Map<TOp>(in TOp op, ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> destination) where TOp : struct, IBinaryOperator
    {
        CheckInputs(x.Length, y.Length);
        CheckDestination(x.Length, destination.Length);
        MapInline(op, ref MemoryMarshal.GetReference(x), ref MemoryMarshal.GetReference(y), ref MemoryMarshal.GetReference(destination), (nuint)x.Length);
    }

    /// <summary>
    /// <see cref="Map{TOp}(in TOp, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/> on <paramref name="n"/>
    /// elements at raw references, inlined into its caller: for the short rows of a GEMM tile's epilogue.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void MapInline<TOp>(in TOp op, ref float x, ref float y, ref float destination, nuint n) where TOp : struct, IBinaryOperator
    {
        nuint i = 0;
        if (Vector512.IsHardwareAccelerated)
            i = MapVectors<TOp, Vector512<float>, Width512>(op, ref x, ref y, ref destination, n);
        else if (Vector256.IsHardwareAccelerated)
            i = MapVectors<TOp, Vector256<float>, Width256>(op, ref x, ref y, ref destination, n);
        else if (Vector128.IsHardwareAccelerated)
            i = MapVectors<TOp, Vector128<float>, Width128>(op, ref x, ref y, ref destination, n);
        for (; i < n; i++)
            Unsafe.Add(ref destination, i) = op.Invoke(Unsafe.Add(ref x, i), Unsafe.Add(ref y, i));
    }

    /// <summary>(w[i], s[i]) = op(w[i], g[i], s[i]): one fused pass over parameters, gradient and state.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Update<TOp>(in TOp op, Span<float> parameters, ReadOnlySpan<float> gradient, Span<float> state) where TOp : struct, IParameterUpdate
    {
        CheckUpdateLengths(parameters.Length, gradient.Length, state.Length);
        UpdateInline(op, ref MemoryMarshal.GetReference(parameters), ref MemoryMarshal.GetReference(gradient), ref MemoryMarshal.GetReference(state),
            (nuint)parameters.Length);
    }

    /// <summary>(w[i], s[i], t[i]) = op(w[i], g[i], s[i], t[i]).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Update<TOp>(in TOp op, Span<float> parameters, ReadOnlySpan<float> gradient, Span<float> first, Span<float> second)
        where TOp : struct, IParameterUpdateWithTwoStates
    {
        CheckUpdateLengths(parameters.Length, gradient.Length, first.Length);
        CheckUpdateLengths(parameters.Length, gradient.Length, second.Length);
        UpdateInline(op, ref MemoryMarshal.GetReference(parameters), ref MemoryMarshal.GetReference(gradient), ref MemoryMarshal.GetReference(first),
            ref MemoryMarshal.GetReference(second), (nuint)parameters.Length);
    }

    /// <summary>
    /// <see cref="Update{TOp}(in TOp, Span{float}, ReadOnlySpan{float}, Span{float})"/> on <paramref name="n"/> elements
    /// at raw references, inlined into its caller: for the rows of a weight-gradient tile's epilogue.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void UpdateInline<TOp>(in TOp op, ref float parameters, ref float gradient, ref float state, nuint n) where TOp : struct, IParameterUpdate
    {
        nuint i = 0;
        if (Vector512.IsHardwareAccelerated)
            i = UpdateVectors<TOp, Vector512<float>, Width512>(op, ref parameters, ref gradient, ref state, n);
        else if (Vector256.IsHardwareAccelerated)
            i = UpdateVectors<TOp, Vector256<float>, Width256>(op, ref parameters, ref gradient, ref state, n);
        else if (Vector128.IsHardwareAccelerated)
            i = UpdateVectors<TOp, Vector128<float>, Width128>(op, ref parameters, ref gradient, ref state, n);
        for (; i < n; i++)
        {
            (Unsafe.Add(ref parameters, i), Unsafe.Add(ref state, i)) =
                op.Invoke(Unsafe.Add(ref parameters, i), Unsafe.Add(ref gradient, i), Unsafe.Add(ref state, i));
        }
    }

    /// <summary>The two-state form of <see cref="UpdateInline{TOp}(in TOp, ref float, ref float, ref float, nuint)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void UpdateInline<TOp>(in TOp op, ref float parameters, ref float gradient, ref float first, ref float second, nuint n)
        where TOp : struct, IParameterUpdateWithTwoStates
    {
        nuint i = 0;
        if (Vector512.IsHardwareAccelerated)
            i = UpdateVectors<TOp, Vector512<float>, Width512>(op, ref parameters, ref gradient, ref first, ref second, n);
        else if (Vector256.IsHardwareAccelerated)
            i = UpdateVectors<TOp, Vector256<float>, Width256>(op, ref parameters, ref gradient, ref first, ref second, n);
        else if (Vector128.IsHardwareAccelerated)
            i = UpdateVectors<TOp, Vector128<float>, Width128>(op, ref parameters, ref gradient, ref first, ref second, n);
        for (; i < n; i++)
        {
            (Unsafe.Add(ref parameters, i), Unsafe.Add(ref first, i), Unsafe.Add(ref second, i)) =
                op.Invoke(Unsafe.Add(ref parameters, i), Unsafe.Add(ref gradient, i), Unsafe.Add(ref first, i), Unsafe.Add(ref second, i));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static nuint MapVectors<TOp, TVector, TWidth>(in TOp op, ref float x, ref float destination, nuint n)
        where TOp : struct, IUnaryOperator where TVector : struct where TWidth : struct, IVectorWidth<TVector>
    {
        nuint i = 0, width = (nuint)TWidth.Count;
        for (; i + width <= n; i += width)
            TWidth.Store(op.Invoke<TVector, TWidth>(TWidth.Load(ref x, i)), ref destination, i);
        return i;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static nuint MapVectors<TOp, TVector, TWidth>(in TOp op, ref float x, ref float y, ref float destination, nuint n)
        where TOp : struct, IBinaryOperator where TVector : struct where TWidth : struct, IVectorWidth<TVector>
    {
        nuint i = 0, width = (nuint)TWidth.Count;
        for (; i + width <= n; i += width)
            TWidth.Store(op.Invoke<TVector, TWidth>(TWidth.Load(ref x, i), TWidth.Load(ref y, i)), ref destination, i);
        return i;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static nuint UpdateVectors<TOp, TVector, TWidth>(in TOp op, ref float w, ref float g, ref float s, nuint n)
        where TOp : struct, IParameterUpdate where TVector : struct where TWidth : struct, IVectorWidth<TVector>
    {
        nuint i = 0, width = (nuint)TWidth.Count;
        for (; i + width <= n; i += width)
        {
            (TVector parameter, TVector state) = op.Invoke<TVector, TWidth>(TWidth.Load(ref w, i), TWidth.Load(ref g, i), TWidth.Load(ref s, i));
            TWidth.Store(parameter, ref w, i);
            TWidth.Store(state, ref s, i);
        }
        return i;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static nuint UpdateVectors<TOp, TVector, TWidth>(in TOp op, ref float w, ref float g, ref float s, ref float t, nuint n)
        where TOp : struct, IParameterUpdateWithTwoStates where TVector : struct where TWidth : struct, IVectorWidth<TVector>
    {
        nuint i = 0, width = (nuint)TWidth.Count;
        for (; i + width <= n; i += width)
        {
            (TVector parameter, TVector first, TVector second) =
                op.Invoke<TVector, TWidth>(TWidth.Load(ref w, i), TWidth.Load(ref g, i), TWidth.Load(ref s, i), TWidth.Load(ref t, i));
            TWidth.Store(parameter, ref w, i);
            TWidth.Store(first, ref s, i);
            TWidth.Store(second, ref t, i);
        }
        return i;
    }

    internal static void CheckInputs(int xLength, int yLength)
    {
        if (yLength != xLength)
            throw new ArgumentException($"Input lengths differ: {xLength} and {yLength}.");
    }

    internal static void CheckDestination(int sourceLength, int destinationLength)
    {
        if (destinationLength < sourceLength)
            throw new ArgumentException($"Destination length {destinationLength} is shorter than source length {sourceLength}.");
    }

    internal static void CheckUpdateLengths(int parameters, int gradient, int state)
    {
        if (gradient != parameters || state != parameters)
            throw new ArgumentException($"Parameter ({parameters}), gradient ({gradient}) and optimiser state ({state}) lengths must match.");
    }
}
