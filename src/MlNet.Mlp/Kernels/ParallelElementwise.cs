namespace MlNet.Mlp.Kernels;

/// <summary>
/// The <see cref="ElementwiseLoops"/> drivers split into ranges over a calling thread's <see cref="WorkerTeam"/>
/// (<see cref="ParallelRanges"/>): elementwise results do not depend on where a range starts, so these give the same
/// bits for any thread count.
/// </summary>
/// <remarks>Spans are pinned for the call (it returns only when every range is done) and handed to the ranges as
/// pointers, which thread-pool-free jobs can hold.</remarks>
internal static unsafe class ParallelElementwise
{
    /// <summary>
    /// Fewest elements worth a range of their own: a fork and join costs a microsecond or two, about what a core
    /// needs for 8,192 floats of an elementwise pass in L2.
    /// </summary>
    public const int MinimumRange = 8192;

    /// <summary>Fewest items (rows, columns) worth a range when each holds <paramref name="elementsPerItem"/> elements:
    /// max(1, ⌊MinimumRange ÷ elementsPerItem⌋).</summary>
    public static int MinimumItems(int elementsPerItem) => Math.Max(1, MinimumRange / Math.Max(elementsPerItem, 1));

    /// <summary><see cref="ElementwiseLoops.Map{TOp}(in TOp, ReadOnlySpan{float}, Span{float})"/> on up to
    /// <paramref name="threads"/> threads.</summary>
    public static void Map<TOp>(in TOp op, ReadOnlySpan<float> x, Span<float> destination, int threads) where TOp : struct, IUnaryOperator
    {
        ElementwiseLoops.CheckDestination(x.Length, destination.Length);
        fixed (float* xp = x)
        fixed (float* dp = destination)
        {
            var job = new UnaryJob<TOp>(op, xp, dp);
            ParallelRanges.Run(ref job, x.Length, threads, MinimumRange);
        }
    }

    /// <summary><see cref="ElementwiseLoops.Map{TOp}(in TOp, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/>
    /// on up to <paramref name="threads"/> threads.</summary>
    public static void Map<TOp>(in TOp op, ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> destination, int threads) where TOp : struct, IBinaryOperator
    {
        ElementwiseLoops.CheckInputs(x.Length, y.Length);
        ElementwiseLoops.CheckDestination(x.Length, destination.Length);
        fixed (float* xp = x)
        fixed (float* yp = y)
        fixed (float* dp = destination)
        {
            var job = new BinaryJob<TOp>(op, xp, yp, dp);
            ParallelRanges.Run(ref job, x.Length, threads, MinimumRange);
        }
    }

    /// <summary>
    /// Any span kernel y = f(x) that works element by element (<see cref="Activations.Sigmoid"/>, say) on up to
    /// <paramref name="threads"/> threads. Ranges are never shorter than 64 elements (see <see cref="ParallelRanges"/>),
    /// so a kernel whose short-span path differs from its vector path still gives every element its vector result.
    /// </summary>
    public static void Map(delegate*<ReadOnlySpan<float>, Span<float>, void> kernel, ReadOnlySpan<float> x, Span<float> destination, int threads)
    {
        ElementwiseLoops.CheckDestination(x.Length, destination.Length);
        fixed (float* xp = x)
        fixed (float* dp = destination)
        {
            var job = new KernelJob(kernel, xp, dp);
            ParallelRanges.Run(ref job, x.Length, threads, MinimumRange);
        }
    }

    /// <summary>An optimiser step with one state array on up to <paramref name="threads"/> threads.</summary>
    public static void Update<TOp>(in TOp op, Span<float> parameters, ReadOnlySpan<float> gradient, Span<float> state, int threads) where TOp : struct, IParameterUpdate
    {
        ElementwiseLoops.CheckUpdateLengths(parameters.Length, gradient.Length, state.Length);
        fixed (float* wp = parameters)
        fixed (float* gp = gradient)
        fixed (float* sp = state)
        {
            var job = new UpdateJob<TOp>(op, wp, gp, sp);
            ParallelRanges.Run(ref job, parameters.Length, threads, MinimumRange);
        }
    }

    /// <summary>An optimiser step with two state arrays on up to <paramref name="threads"/> threads.</summary>
    public static void Update<TOp>(in TOp op, Span<float> parameters, ReadOnlySpan<float> gradient, Span<float> first, Span<float> second, int threads)
        where TOp : struct, IParameterUpdateWithTwoStates
    {
        ElementwiseLoops.CheckUpdateLengths(parameters.Length, gradient.Length, first.Length);
        ElementwiseLoops.CheckUpdateLengths(parameters.Length, gradient.Length, second.Length);
        fixed (float* wp = parameters)
        fixed (float* gp = gradient)
        fixed (float* sp = first)
        fixed (float* tp = second)
        {
            var job = new TwoStateUpdateJob<TOp>(op, wp, gp, sp, tp);
            ParallelRanges.Run(ref job, parameters.Length, threads, MinimumRange);
        }
    }

    private readonly struct UnaryJob<TOp>(TOp op, float* x, float* destination) : IRangeJob where TOp : struct, IUnaryOperator
    {
        public void Run(int start, int end) =>
            ElementwiseLoops.Map(op, new ReadOnlySpan<float>(x + start, end - start), new Span<float>(destination + start, end - start));
    }

    private readonly struct KernelJob(delegate*<ReadOnlySpan<float>, Span<float>, void> kernel, float* x, float* destination) : IRangeJob
    {
        public void Run(int start, int end) =>
            kernel(new ReadOnlySpan<float>(x + start, end - start), new Span<float>(destination + start, end - start));
    }

    private readonly struct BinaryJob<TOp>(TOp op, float* x, float* y, float* destination) : IRangeJob where TOp : struct, IBinaryOperator
    {
        public void Run(int start, int end) =>
            ElementwiseLoops.Map(op, new ReadOnlySpan<float>(x + start, end - start), new ReadOnlySpan<float>(y + start, end - start),
                new Span<float>(destination + start, end - start));
    }

    private readonly struct UpdateJob<TOp>(TOp op, float* parameters, float* gradient, float* state) : IRangeJob where TOp : struct, IParameterUpdate
    {
        public void Run(int start, int end) =>
            ElementwiseLoops.Update(op, new Span<float>(parameters + start, end - start), new ReadOnlySpan<float>(gradient + start, end - start),
                new Span<float>(state + start, end - start));
    }

    private readonly struct TwoStateUpdateJob<TOp>(TOp op, float* parameters, float* gradient, float* first, float* second) : IRangeJob
        where TOp : struct, IParameterUpdateWithTwoStates
    {
        public void Run(int start, int end) =>
            ElementwiseLoops.Update(op, new Span<float>(parameters + start, end - start), new ReadOnlySpan<float>(gradient + start, end - start),
                new Span<float>(first + start, end - start), new Span<float>(second + start, end - start));
    }
}
