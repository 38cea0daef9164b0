namespace MlNet.Mlp.Kernels;

/// <summary>
/// Splits C into a grid of rectangles and computes them on up to the requested number of threads: the calling
/// thread plus thread-pool workers that claim rectangles from a shared counter.
/// </summary>
/// <remarks>
/// <para>Only the output is partitioned; every rectangle runs the full depth reduction in the fixed order of
/// <see cref="GemmDriver{TKernel}"/>, so C is bit-identical for any thread count and any claiming order.</para>
/// <para>Lighter than Parallel.For: no delegate or closure per call, jobs are pooled, and the caller works
/// instead of waiting, so a worker that starts late simply finds less (or nothing) to do.</para>
/// </remarks>
internal static unsafe class GemmParallel
{
    /// <summary>
    /// Products below this many multiply-adds run on the calling thread alone: waking a pool thread costs a few
    /// microseconds, about what ~1M FMAs take on one core. (The output-layer product 128×10×256 is below it.)
    /// </summary>
    public const long SingleThreadedMultiplyAdds = 1L << 20;

    /// <summary>Rectangles per thread; more than one lets a fast thread take over work from a descheduled one.</summary>
    private const int RectanglesPerThread = 2;

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
        GemmParallelJob job = GemmParallelJob.Rent();
        job.Run(op, grid, Math.Min(threads, grid.Count), computeRectangle);
    }
}

/// <summary>
/// A partition of C into rectangles whose sides are whole numbers of tiles (except at the matrix edge).
/// Columns are split first: a column rectangle packs only its own part of B and repacks A, while a row split
/// repacks all of B, and in these products B (the weights) is the larger operand per output row.
/// </summary>
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
        int columnParts = Math.Min(columnTiles, target);
        int rowParts = Math.Min(rowTiles, (target + columnParts - 1) / columnParts);
        int columnsPer = (columnTiles + columnParts - 1) / columnParts * tileColumns;
        int rowsPer = (rowTiles + rowParts - 1) / rowParts * tileRows;
        return new RectangleGrid(m, n, rowsPer, columnsPer);
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
/// One parallel product in flight. Pooled: a job goes back to the pool only when its last participant (the
/// caller or a queued worker, however late) has left, so a reused job never sees a stale worker.
/// </summary>
internal sealed unsafe class GemmParallelJob : IThreadPoolWorkItem
{
    private static readonly Stack<GemmParallelJob> Pool = new();

    private readonly ManualResetEventSlim allDone = new(false);
    private GemmOperands operands;
    private RectangleGrid grid;
    private delegate*<in GemmOperands, int, int, int, int, void> computeRectangle;
    private int nextRectangle;
    private int completedRectangles;
    private int participants;

    public static GemmParallelJob Rent()
    {
        lock (Pool)
        {
            if (Pool.Count > 0)
                return Pool.Pop();
        }
        return new GemmParallelJob();
    }

    /// <summary>Computes every rectangle of <paramref name="grid"/>; returns when all are done.</summary>
    public void Run(in GemmOperands op, RectangleGrid grid, int threads,
        delegate*<in GemmOperands, int, int, int, int, void> computeRectangle)
    {
        operands = op;
        this.grid = grid;
        this.computeRectangle = computeRectangle;
        nextRectangle = 0;
        completedRectangles = 0;
        participants = threads;
        allDone.Reset();
        for (int worker = 1; worker < threads; worker++)
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        ComputeClaimedRectangles();
        allDone.Wait();
        Leave();
    }

    /// <summary>Thread-pool entry point of a worker.</summary>
    public void Execute()
    {
        ComputeClaimedRectangles();
        Leave();
    }

    private void ComputeClaimedRectangles()
    {
        int index;
        while ((index = Interlocked.Increment(ref nextRectangle) - 1) < grid.Count)
        {
            grid.GetBounds(index, out int rowStart, out int rowEnd, out int colStart, out int colEnd);
            computeRectangle(operands, rowStart, rowEnd, colStart, colEnd);
            if (Interlocked.Increment(ref completedRectangles) == grid.Count)
                allDone.Set();
        }
    }

    private void Leave()
    {
        if (Interlocked.Decrement(ref participants) != 0)
            return;
        lock (Pool)
            Pool.Push(this);
    }
}
