using System.Runtime.CompilerServices;

namespace MlNet.Mlp.Kernels;

/// <summary>A loop body over a range [start, end) of some index (elements, rows, columns).</summary>
internal interface IRangeJob
{
    void Run(int start, int end);
}

/// <summary>
/// Splits a loop over [0, length) into ranges and runs them on a <see cref="WorkerTeam"/>: the parallel form of the
/// elementwise steps between the matrix products (bias, activations, loss, optimiser updates, the batch gather).
/// </summary>
/// <remarks>
/// Range boundaries fall at multiples of <c>alignment</c> (64 floats for elementwise work: whole cache lines, and
/// whole vectors of every width, so a range ends in a scalar tail only where the whole loop does). A job must give
/// each element the same result wherever a range boundary falls, which makes the result independent of the thread
/// count. Loops shorter than <c>minimumRange</c> per thread run on the calling thread alone: forking costs a
/// microsecond or so, which a few thousand floats do not repay.
/// </remarks>
internal static unsafe class ParallelRanges
{
    /// <summary>Ranges per thread: a little slack for a worker that starts late or is descheduled.</summary>
    private const int RangesPerThread = 2;

    /// <summary>Runs <c>job.Run(start, end)</c> over ranges covering [0, <paramref name="length"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<TJob>(ref TJob job, int length, int threads, int minimumRange, int alignment = 64) where TJob : struct, IRangeJob
    {
        int rangeSize = RangeSize(length, threads, minimumRange, alignment);
        if (rangeSize >= length)
        {
            if (length > 0)
                job.Run(0, length);
            return;
        }
        // A last range shorter than the alignment joins the one before it: no range is ever a short tail on its own,
        // so a kernel that treats short spans differently (TensorPrimitives' transcendental functions below one
        // vector) sees every element in the same kind of span as a single call would.
        int ranges = (length + rangeSize - 1) / rangeSize;
        if (length - (ranges - 1) * rangeSize < alignment)
            ranges--;
        var plan = new Plan(Unsafe.AsPointer(ref job), length, rangeSize, ranges);
        WorkerTeam.ForCurrentThread().Run(threads, ranges, &plan, &RunRange<TJob>);
    }

    /// <summary>The range length: about length / (threads · <see cref="RangesPerThread"/>), at least
    /// <paramref name="minimumRange"/>, rounded up to a multiple of <paramref name="alignment"/>.</summary>
    private static int RangeSize(int length, int threads, int minimumRange, int alignment)
    {
        if (threads <= 1 || length < 2 * minimumRange)
            return Math.Max(length, 1);
        long target = Math.Max(minimumRange, (length + (long)threads * RangesPerThread - 1) / (threads * RangesPerThread));
        long aligned = (target + alignment - 1) / alignment * alignment;
        return (int)Math.Max(aligned, (length + WorkerTeam.MaxChunks - 1L) / WorkerTeam.MaxChunks);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunRange<TJob>(void* state, int range) where TJob : struct, IRangeJob
    {
        ref Plan plan = ref Unsafe.AsRef<Plan>(state);
        int start = range * plan.RangeSize;
        int end = range == plan.Ranges - 1 ? plan.Length : start + plan.RangeSize;
        Unsafe.AsRef<TJob>(plan.Job).Run(start, end);
    }

    private readonly struct Plan(void* job, int length, int rangeSize, int ranges)
    {
        public readonly void* Job = job;
        public readonly int Length = length;
        public readonly int RangeSize = rangeSize;
        public readonly int Ranges = ranges;
    }
}
