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
/// <para>The longer side of C is split first. A strip of columns packs only its own columns of B but all of A (m·k),
/// a strip of rows all of B (k·n), so with P strips the packing costs P·m·k + k·n or m·k + P·k·n: splitting
/// across n is cheaper exactly when m &lt; n (forward 128×256, input gradient 128×784), across m otherwise
/// (the weight gradient in its 784×256 form).</para>
/// <para>When the strips alone would be clearly uneven (256 columns are 11 tiles of 24 for the AVX2 kernel: 6 + 5 on
/// two threads), each strip takes the same whole number of tiles and the tiles left over form a remainder strip, cut
/// across into one rectangle per thread (5 + 5, then the 11th tile column in two halves of the rows). The threads
/// claim rectangles in order, so each ends up with a main strip and a part of the remainder: equal work, for the
/// cost of packing a part of the shared operand once more.</para>
/// </remarks>
internal readonly struct RectangleGrid
{
    private RectangleGrid(int m, int n, int rowsPerRectangle, int columnsPerRectangle, int mainRowEnd, int mainColumnEnd,
        int remainderPartSize)
    {
        M = m;
        N = n;
        RowsPerRectangle = rowsPerRectangle;
        ColumnsPerRectangle = columnsPerRectangle;
        MainRowEnd = mainRowEnd;
        MainColumnEnd = mainColumnEnd;
        RowCount = (mainRowEnd + rowsPerRectangle - 1) / rowsPerRectangle;
        ColumnCount = (mainColumnEnd + columnsPerRectangle - 1) / columnsPerRectangle;
        RemainderPartSize = remainderPartSize;
        // The remainder strip lies past MainColumnEnd (columns split) or past MainRowEnd (rows split).
        int crossLength = mainColumnEnd < n ? m : mainRowEnd < m ? n : 0;
        RemainderParts = crossLength == 0 ? 0 : (crossLength + remainderPartSize - 1) / remainderPartSize;
    }

    public int M { get; }
    public int N { get; }
    /// <summary>Rows of a rectangle of the main grid, which covers [0, MainRowEnd) × [0, MainColumnEnd).</summary>
    public int RowsPerRectangle { get; }
    /// <summary>Columns of a rectangle of the main grid.</summary>
    public int ColumnsPerRectangle { get; }
    public int MainRowEnd { get; }
    public int MainColumnEnd { get; }
    public int RowCount { get; }
    public int ColumnCount { get; }
    /// <summary>Rows (or, when rows were split, columns) of each rectangle of the remainder strip.</summary>
    public int RemainderPartSize { get; }
    public int RemainderParts { get; }
    public int Count => RowCount * ColumnCount + RemainderParts;

    /// <summary>About <paramref name="target"/> rectangles of about equal work, tile-aligned.</summary>
    public static RectangleGrid For(int m, int n, int target, int tileRows, int tileColumns)
    {
        int columnTiles = (n + tileColumns - 1) / tileColumns;
        int rowTiles = (m + tileRows - 1) / tileRows;
        bool columnsSplit = m <= n;
        (int longerTiles, int shorterTiles) = columnsSplit ? (columnTiles, rowTiles) : (rowTiles, columnTiles);
        (int longerParts, int shorterParts) = SplitLongerSideFirst(longerTiles, shorterTiles, target);
        if (shorterParts > 1 || shorterTiles == 1 || !StripsAreUneven(longerTiles, longerParts))
        {
            int longerPer = (longerTiles + longerParts - 1) / longerParts, shorterPer = (shorterTiles + shorterParts - 1) / shorterParts;
            return columnsSplit
                ? new RectangleGrid(m, n, shorterPer * tileRows, longerPer * tileColumns, m, n, 0)
                : new RectangleGrid(m, n, longerPer * tileRows, shorterPer * tileColumns, m, n, 0);
        }
        // Equal strips of tilesPer tiles, then the left-over tiles cut across into about longerParts parts.
        int tilesPer = longerTiles / longerParts, mainTiles = tilesPer * longerParts;
        int partTiles = (shorterTiles + longerParts - 1) / longerParts;
        return columnsSplit
            ? new RectangleGrid(m, n, m, tilesPer * tileColumns, m, mainTiles * tileColumns, partTiles * tileRows)
            : new RectangleGrid(m, n, tilesPer * tileRows, n, mainTiles * tileRows, n, partTiles * tileColumns);
    }

    /// <summary>
    /// Whether <paramref name="tiles"/> in <paramref name="parts"/> whole-tile strips leave the largest carrying over
    /// 5% more than the average: 11 tiles on 2 threads (6 against 5.5) do; 25 (13 against 12.5) and 33 do not, and
    /// cutting their left-over tile measured no better, its gain being about what the extra packing costs.
    /// </summary>
    private static bool StripsAreUneven(int tiles, int parts) =>
        (long)((tiles + parts - 1) / parts) * parts * 20 > (long)tiles * 21;

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

    /// <summary>Bounds of rectangle <paramref name="index"/>: the main grid's first, row by row, then the remainder
    /// strip's.</summary>
    public void GetBounds(int index, out int rowStart, out int rowEnd, out int colStart, out int colEnd)
    {
        int mainCount = RowCount * ColumnCount;
        if (index < mainCount)
        {
            int row = index / ColumnCount, column = index % ColumnCount;
            rowStart = row * RowsPerRectangle;
            rowEnd = Math.Min(MainRowEnd, rowStart + RowsPerRectangle);
            colStart = column * ColumnsPerRectangle;
            colEnd = Math.Min(MainColumnEnd, colStart + ColumnsPerRectangle);
        }
        else if (MainColumnEnd < N)
        {
            (rowStart, colStart, colEnd) = ((index - mainCount) * RemainderPartSize, MainColumnEnd, N);
            rowEnd = Math.Min(M, rowStart + RemainderPartSize);
        }
        else
        {
            (colStart, rowStart, rowEnd) = ((index - mainCount) * RemainderPartSize, MainRowEnd, M);
            colEnd = Math.Min(N, colStart + RemainderPartSize);
        }
    }
}
