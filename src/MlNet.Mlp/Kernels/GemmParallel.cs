namespace MlNet.Mlp.Kernels;

/// <summary>
/// Splits C into a grid of rectangles and computes them on up to the requested number of threads: the calling
/// thread plus thread-pool workers that claim rectangles from a shared counter.
/// </summary>
/// <remarks>
/// <para>Only the output is partitioned; every rectangle runs the full depth reduction in the fixed order of
/// <see cref="GemmDriver{TKernel}"/>, so C is bit-identical for any thread count and any claiming order.</para>
/// <para>Lighter than Parallel.For: no delegate, closure or allocation per call, and the caller works instead of
/// waiting, so a helper that starts late simply finds less (or nothing) to do.</para>
/// </remarks>
internal static unsafe class GemmParallel
{
    /// <summary>
    /// Products below this many multiply-adds run on the calling thread alone, since handing work to a pool
    /// thread costs microseconds. Measured on 2 Zen 5 cores: a second thread gains nothing at 128×64×32 (0.26M),
    /// ~5% at 128×128×32 (0.5M) and ~50% at 128×128×64 (1M). The output layer's products fall below it.
    /// </summary>
    public const long SingleThreadedMultiplyAdds = 1L << 19;

    /// <summary>
    /// Rectangles per thread. One: every rectangle repacks the other operand, and 2 per thread measured 2-7%
    /// slower on the MLP shapes, even on a busy machine where finer grain should have balanced better. A helper
    /// that starts late still loses nothing: its rectangle stays unclaimed and the caller takes it.
    /// </summary>
    private const int RectanglesPerThread = 1;

    /// <summary>
    /// Computes the whole product with <paramref name="computeRectangle"/>, using at most
    /// <paramref name="threads"/> threads.
    /// </summary>
    public static void Run(in GemmOperands op, int threads, int tileRows, int tileColumns,
        delegate*<in GemmOperands, int, int, int, int, void> computeRectangle)
    {
        if (threads <= 1 || (long)op.M * op.N * op.K < SingleThreadedMultiplyAdds)
        {
            computeRectangle(op, 0, op.M, 0, op.N);
            return;
        }
        RectangleGrid grid = RectangleGrid.For(op.M, op.N, threads * RectanglesPerThread, tileRows, tileColumns);
        if (grid.Count == 1)
        {
            computeRectangle(op, 0, op.M, 0, op.N);
            return;
        }
        GemmParallelJob.ForCurrentThread().Run(op, grid, Math.Min(threads, grid.Count), computeRectangle);
    }
}

/// <summary>
/// A partition of C into rectangles whose sides are whole numbers of tiles (except at the matrix edge).
/// </summary>
/// <remarks>
/// The longer side of C is split first. A strip of columns packs only its own columns of B but all of A (m·k),
/// a strip of rows all of B (k·n), so with P strips the packing costs P·m·k + k·n or m·k + P·k·n: splitting
/// across n is cheaper exactly when m &lt; n (forward 128×256, input gradient 128×784), across m otherwise
/// (the weight gradient in its 784×256 form).
/// </remarks>
internal readonly struct RectangleGrid
{
    private RectangleGrid(int m, int n, int rowsPerRectangle, int columnsPerRectangle)
    {
        M = m;
        N = n;
        RowsPerRectangle = rowsPerRectangle;
        ColumnsPerRectangle = columnsPerRectangle;
        RowCount = (m + rowsPerRectangle - 1) / rowsPerRectangle;
        ColumnCount = (n + columnsPerRectangle - 1) / columnsPerRectangle;
    }

    public int M { get; }
    public int N { get; }
    public int RowsPerRectangle { get; }
    public int ColumnsPerRectangle { get; }
    public int RowCount { get; }
    public int ColumnCount { get; }
    public int Count => RowCount * ColumnCount;

    /// <summary>About <paramref name="target"/> rectangles, tile-aligned.</summary>
    public static RectangleGrid For(int m, int n, int target, int tileRows, int tileColumns)
    {
        int columnTiles = (n + tileColumns - 1) / tileColumns;
        int rowTiles = (m + tileRows - 1) / tileRows;
        int rowParts, columnParts;
        if (m > n)
            (rowParts, columnParts) = SplitLongerSideFirst(rowTiles, columnTiles, target);
        else
            (columnParts, rowParts) = SplitLongerSideFirst(columnTiles, rowTiles, target);
        int columnsPer = (columnTiles + columnParts - 1) / columnParts * tileColumns;
        int rowsPer = (rowTiles + rowParts - 1) / rowParts * tileRows;
        return new RectangleGrid(m, n, rowsPer, columnsPer);
    }

    /// <summary>
    /// Parts for the longer side (at most one per tile), and for the shorter side only as many as needed to
    /// reach <paramref name="target"/>.
    /// </summary>
    private static (int LongerParts, int ShorterParts) SplitLongerSideFirst(int longerTiles, int shorterTiles, int target)
    {
        int longerParts = Math.Min(longerTiles, target);
        int shorterParts = Math.Min(shorterTiles, (target + longerParts - 1) / longerParts);
        return (longerParts, shorterParts);
    }

    /// <summary>Bounds of rectangle <paramref name="index"/>.</summary>
    public void GetBounds(int index, out int rowStart, out int rowEnd, out int colStart, out int colEnd)
    {
        int row = index / ColumnCount, column = index % ColumnCount;
        rowStart = row * RowsPerRectangle;
        rowEnd = Math.Min(M, rowStart + RowsPerRectangle);
        colStart = column * ColumnsPerRectangle;
        colEnd = Math.Min(N, colStart + ColumnsPerRectangle);
    }
}

/// <summary>
/// The parallel state of one calling thread: the product in flight and the helpers it offers work to. Reused
/// by every parallel call from that thread, so the hot path allocates nothing.
/// </summary>
/// <remarks>
/// A helper that the thread pool starts late must never wander into a later product. So the caller, once every
/// rectangle is done, revokes the offers no helper has taken, and waits (briefly: they find no work left) only
/// for the helpers that did take one to finish. Waiting is a spin: what remains at that point is at most one rectangle per
/// helper.
/// </remarks>
internal sealed unsafe class GemmParallelJob
{
    [ThreadStatic]
    private static GemmParallelJob? current;

    private GemmHelper[] helpers = [];
    private GemmOperands operands;
    private RectangleGrid grid;
    private delegate*<in GemmOperands, int, int, int, int, void> computeRectangle;
    private int nextRectangle;
    private int completedRectangles;
    private int finishedHelpers;

    /// <summary>The calling thread's job.</summary>
    public static GemmParallelJob ForCurrentThread() => current ??= new GemmParallelJob();

    /// <summary>Computes every rectangle of <paramref name="grid"/> on up to <paramref name="threads"/> threads.</summary>
    public void Run(in GemmOperands op, RectangleGrid grid, int threads,
        delegate*<in GemmOperands, int, int, int, int, void> computeRectangle)
    {
        operands = op;
        this.grid = grid;
        this.computeRectangle = computeRectangle;
        nextRectangle = 0;
        completedRectangles = 0;
        finishedHelpers = 0;
        EnsureHelpers(threads - 1);
        for (int i = 0; i < threads - 1; i++)
            helpers[i].Offer(this);

        ComputeClaimedRectangles();
        SpinUntil(ref completedRectangles, grid.Count);
        int helpersThatTookPart = 0;
        for (int i = 0; i < threads - 1; i++)
        {
            if (!helpers[i].Revoke(this))
                helpersThatTookPart++;
        }
        SpinUntil(ref finishedHelpers, helpersThatTookPart);
    }

    /// <summary>
    /// Called by a helper that took this job's offer; the final increment is its last touch of the job.
    /// </summary>
    public void Participate()
    {
        ComputeClaimedRectangles();
        Interlocked.Increment(ref finishedHelpers);
    }

    private void ComputeClaimedRectangles()
    {
        int index;
        while ((index = Interlocked.Increment(ref nextRectangle) - 1) < grid.Count)
        {
            grid.GetBounds(index, out int rowStart, out int rowEnd, out int colStart, out int colEnd);
            computeRectangle(operands, rowStart, rowEnd, colStart, colEnd);
            Interlocked.Increment(ref completedRectangles);
        }
    }

    private void EnsureHelpers(int count)
    {
        if (helpers.Length >= count)
            return;
        var grown = new GemmHelper[count];
        helpers.CopyTo(grown, 0);
        for (int i = helpers.Length; i < count; i++)
            grown[i] = new GemmHelper();
        helpers = grown;
    }

    private static void SpinUntil(ref int counter, int value)
    {
        var spinner = new SpinWait();
        while (Volatile.Read(ref counter) != value)
            spinner.SpinOnce(sleep1Threshold: -1);
    }
}

/// <summary>
/// A thread-pool work item that runs whatever job it was last offered, if that offer was not revoked first.
/// At most one instance of it is queued at a time: an offer made while it is still queued is simply picked up
/// when it runs.
/// </summary>
internal sealed class GemmHelper : IThreadPoolWorkItem
{
    private GemmParallelJob? offer;
    private int isQueued;

    public void Offer(GemmParallelJob job)
    {
        Volatile.Write(ref offer, job);
        if (Interlocked.Exchange(ref isQueued, 1) == 0)
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    /// <summary>Withdraws the offer; false when a thread had already taken it (and so takes part).</summary>
    public bool Revoke(GemmParallelJob job) => Interlocked.CompareExchange(ref offer, null, job) == job;

    public void Execute()
    {
        // Clear the flag before taking the offer: an offer made after this point queues a fresh run, one made
        // before it is taken here.
        Volatile.Write(ref isQueued, 0);
        GemmParallelJob? job = Interlocked.Exchange(ref offer, null);
        job?.Participate();
    }
}
