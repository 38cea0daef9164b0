namespace MlNet.Mlp.Kernels;

/// <summary>
/// Where a rectangle of C sums its depth blocks: in C itself, or, when it shares cache lines with a neighbouring
/// rectangle, in a private buffer copied to C once at the end.
/// </summary>
/// <remarks>
/// <para>A column split leaves two threads writing the same rows of C, and unless their common edge falls on a cache
/// line boundary, the line across it belongs to both. Each depth block reads and writes the rectangle's C, so with
/// several blocks that line moves between the two cores once per block and row: (128×784)·(784×256), 4 depth blocks,
/// on two threads ran at 1.67× one thread with C where new float[] puts it and 1.83× with C 64-byte aligned.
/// Summing in the private buffer instead touches the shared lines once, with the same arithmetic in the same order,
/// so the result is bit-identical either way.</para>
/// <para>Only rectangles of at most <see cref="MaxPrivateFloats"/> get a buffer: the lines at an edge cost in
/// proportion to the rows, the work in proportion to rows × columns, so for wide rectangles the copy costs more
/// than the sharing, and the buffer stays small.</para>
/// </remarks>
internal readonly unsafe struct GemmRectangleTarget
{
    /// <summary>Largest rectangle given a private buffer: 64 Ki floats, 256 KiB, which sits in L2 beside the packed blocks.</summary>
    public const int MaxPrivateFloats = 1 << 16;

    private const int CacheLineBytes = 64;

    // Element (i, j) of C (whole-matrix indices) is origin[i·Ldc + j]; for a private buffer origin is shifted so that
    // the rectangle's first element lands on the buffer's first.
    private readonly float* origin;
    private readonly float* buffer;
    private readonly int rowStart, colStart, rows;

    private GemmRectangleTarget(float* origin, int ldc, float* buffer, int rowStart, int colStart, int rows)
    {
        this.origin = origin;
        Ldc = ldc;
        this.buffer = buffer;
        this.rowStart = rowStart;
        this.colStart = colStart;
        this.rows = rows;
    }

    /// <summary>Row stride of the target.</summary>
    public int Ldc { get; }

    /// <summary>
    /// Floats of private buffer that rectangle [rowStart, rowEnd) × [colStart, colEnd) of <paramref name="op"/>
    /// needs with depth blocks of <paramref name="depthBlock"/>: 0 when it sums in C itself.
    /// </summary>
    public static int PrivateFloats(in GemmOperands op, int rowStart, int rowEnd, int colStart, int colEnd, int depthBlock)
    {
        long floats = (long)(rowEnd - rowStart) * (colEnd - colStart);
        bool sharesLines = (colStart > 0 && !StartsCacheLines(op, colStart)) || (colEnd < op.N && !StartsCacheLines(op, colEnd));
        return sharesLines && op.K > depthBlock && floats <= MaxPrivateFloats ? (int)floats : 0;
    }

    /// <summary>C itself.</summary>
    public static GemmRectangleTarget InC(in GemmOperands op) => new(op.C, op.Ldc, null, 0, 0, 0);

    /// <summary>
    /// <paramref name="buffer"/> (room for the rectangle, 64-byte aligned) for the rectangle; holds C's values first when
    /// the product accumulates into C.
    /// </summary>
    public static GemmRectangleTarget InBuffer(in GemmOperands op, int rowStart, int rowEnd, int colStart, int colEnd, float* buffer)
    {
        int columns = colEnd - colStart, rows = rowEnd - rowStart;
        if (op.Accumulate)
            StridedBlock.Copy(op.C + (long)rowStart * op.Ldc + colStart, op.Ldc, buffer, columns, rows, columns);
        return new GemmRectangleTarget(buffer - (long)rowStart * columns - colStart, columns, buffer, rowStart, colStart, rows);
    }

    /// <summary>Where element (<paramref name="row"/>, <paramref name="column"/>) of C is summed.</summary>
    public float* At(int row, int column) => origin + (long)row * Ldc + column;

    /// <summary>Copies a private buffer's rectangle to C; nothing to do for C itself.</summary>
    public void Finish(in GemmOperands op)
    {
        // A buffer's row stride is the rectangle's width.
        if (buffer is not null)
            StridedBlock.Copy(buffer, Ldc, op.C + (long)rowStart * op.Ldc + colStart, op.Ldc, rows, Ldc);
    }

    // Every row of C starts at the same offset within a line when the row stride is a whole number of lines.
    private static bool StartsCacheLines(in GemmOperands op, int column) =>
        op.Ldc % (CacheLineBytes / sizeof(float)) == 0 && (nint)(op.C + column) % CacheLineBytes == 0;
}
