using System.Runtime.CompilerServices;

namespace MlNet.Mlp.Kernels;

/// <summary>
/// Splits C into a grid of rectangles and computes them on up to the requested number of threads: the calling
/// thread and its <see cref="WorkerTeam"/>, which claim rectangles from a shared counter.
/// </summary>
/// <remarks>
/// <para>Only the output is partitioned; every rectangle runs the full depth reduction in the fixed order of
/// <see cref="GemmDriver{TKernel, TEpilogue}"/>, so C is bit-identical for any thread count and any claiming order.</para>
/// <para>No delegate, closure or allocation per call, and the caller works instead of waiting, so a worker that
/// starts late simply finds less (or nothing) to do.</para>
/// </remarks>
internal static unsafe class GemmParallel
{
    /// <summary>
    /// Products below this many multiply-adds run on the calling thread alone, since handing work to another
    /// thread costs microseconds. Measured on 2 Zen 5 cores with thread-pool helpers: a second thread gained nothing
    /// at 128×64×32 (0.26M), ~5% at 128×128×32 (0.5M) and ~50% at 128×128×64 (1M). The output layer's products fall
    /// below it. With the worker team, 2^17 and 2^16 measured no better than 2^19 on an MLP epoch (a loaded machine,
    /// so a small difference would not show).
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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
        var job = new RectangleJob(op, grid, computeRectangle);
        WorkerTeam.ForCurrentThread().Run(threads, grid.Count, &job, &RectangleJob.Compute);
    }

    private readonly struct RectangleJob(GemmOperands operands, RectangleGrid grid,
        delegate*<in GemmOperands, int, int, int, int, void> computeRectangle)
    {
        private readonly GemmOperands operands = operands;
        private readonly RectangleGrid grid = grid;
        private readonly delegate*<in GemmOperands, int, int, int, int, void> computeRectangle = computeRectangle;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Compute(void* state, int rectangle)
        {
            ref readonly RectangleJob job = ref *(RectangleJob*)state;
            job.grid.GetBounds(rectangle, out int rowStart, out int rowEnd, out int colStart, out int colEnd);
            job.computeRectangle(job.operands, rowStart, rowEnd, colStart, colEnd);
        }
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
