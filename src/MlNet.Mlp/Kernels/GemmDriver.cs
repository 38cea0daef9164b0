using System.Runtime.CompilerServices;

namespace MlNet.Mlp.Kernels;

/// <summary>
/// The cache-blocked GEMM loop nest (the Goto/BLIS scheme), written once and specialised by the JIT for each
/// micro-kernel. It computes one rectangle of C; the threading layer hands out rectangles.
/// </summary>
/// <remarks>
/// <para>Loop order, outermost first: column blocks of <see cref="ColumnBlock"/> (jc), depth blocks (pc, B block
/// packed here), row blocks of <see cref="RowBlock"/> (ic, A block packed here), then tiles: columns (jr) outside
/// rows (ir), so that one packed B micro-panel stays in L1 while the A block streams past it from L2.</para>
/// <para>Sizes, for the AVX-512 8×32 kernel on 48 KiB L1d / 1 MiB L2: a depth block of at most 256 makes a
/// B micro-panel 256·32·4 = 32 KiB, which with an 8 KiB A micro-panel fits L1; the A block 192·256·4 = 192 KiB
/// sits in L2 with room for C and the B panel traffic; the B block 256·960·4 = 0.94 MiB lives in L2/L3 and is
/// reused by every row block.</para>
/// <para>Determinism: the depth blocking depends only on k, and every element of C is the sum over its depth
/// blocks, in order, of one kernel accumulation each, whatever rectangle (and so whatever thread) it is in.</para>
/// <para>The epilogue (<see cref="IGemmEpilogue"/>) runs on each tile right after the last depth block's kernel
/// call, while the tile is in L1.</para>
/// </remarks>
internal static unsafe class GemmDriver<TKernel, TEpilogue> where TKernel : struct, IGemmMicroKernel where TEpilogue : struct, IGemmEpilogue
{
    /// <summary>Largest depth block (KC); see the remarks for why.</summary>
    public const int MaxDepthBlock = 256;

    /// <summary>Rows of C per packed A block (MC), a multiple of every kernel's row count.</summary>
    public const int RowBlock = 192;

    /// <summary>Columns of C per packed B block (NC), a multiple of every kernel's column count (4, 8, 16, 24, 32).</summary>
    public const int ColumnBlock = 960;

    /// <summary>
    /// The depth block for a given k: the k range is split into equal blocks no larger than
    /// <see cref="MaxDepthBlock"/> (784 → 4 × 196, not 256+256+256+16, so no block is a short, inefficient
    /// tail), rounded up to a multiple of 8 for the 8×8 transposing pack.
    /// </summary>
    public static int DepthBlockFor(int k)
    {
        int blocks = (k + MaxDepthBlock - 1) / MaxDepthBlock;
        int depth = (k + blocks - 1) / blocks;
        return (depth + 7) & ~7;
    }

    /// <summary>Computes rows [rowStart, rowEnd) × columns [colStart, colEnd) of C.</summary>
    /// <remarks>
    /// Fully optimised from the first call (as are the packing loops): tier-0 code of these loop nests runs
    /// several times slower, and a trainer's first epoch should not pay for that.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ComputeRectangle(in GemmOperands op, int rowStart, int rowEnd, int colStart, int colEnd)
    {
        int mr = TKernel.Rows, nr = TKernel.Columns;
        int depthBlock = DepthBlockFor(op.K);
        int rowBlock = Math.Min(RowBlock, RoundUp(rowEnd - rowStart, mr));
        int columnBlock = Math.Min(ColumnBlock, RoundUp(colEnd - colStart, nr));
        int packedAFloats = GemmPackBuffers.RoundUpToAlignment(rowBlock * depthBlock);
        int packedBFloats = GemmPackBuffers.RoundUpToAlignment(columnBlock * depthBlock);
        int edgeTileFloats = GemmPackBuffers.RoundUpToAlignment(mr * nr);
        int privateFloats = GemmRectangleTarget.PrivateFloats(op, rowStart, rowEnd, colStart, colEnd, depthBlock);
        float* packedA = GemmPackBuffers.Rent(packedAFloats + packedBFloats + edgeTileFloats + privateFloats);
        float* packedB = packedA + packedAFloats;
        float* edgeTile = packedB + packedBFloats;
        GemmRectangleTarget target = privateFloats > 0
            ? GemmRectangleTarget.InBuffer(op, rowStart, rowEnd, colStart, colEnd, edgeTile + edgeTileFloats)
            : GemmRectangleTarget.InC(op);

        for (int jc = colStart; jc < colEnd; jc += ColumnBlock)
        {
            int columns = Math.Min(ColumnBlock, colEnd - jc);
            for (int pc = 0; pc < op.K; pc += depthBlock)
            {
                int depth = Math.Min(depthBlock, op.K - pc);
                // The first depth block overwrites C unless the caller asked to accumulate; later ones add.
                bool addToC = op.Accumulate || pc > 0;
                bool lastDepthBlock = pc + depth == op.K;
                GemmPacking.Pack(op.BAt(pc, jc), op.Ldb, op.BColumnsAreDepthContiguous, columns, depth, nr, packedB);
                for (int ic = rowStart; ic < rowEnd; ic += RowBlock)
                {
                    int rows = Math.Min(RowBlock, rowEnd - ic);
                    GemmPacking.Pack(op.AAt(ic, pc), op.Lda, op.ARowsAreDepthContiguous, rows, depth, mr, packedA);
                    var block = new BlockPosition(target.At(ic, jc), target.Ldc, ic, jc);
                    if (lastDepthBlock)
                        ComputeBlock(packedA, packedB, rows, columns, depth, block, addToC, edgeTile, ref Unsafe.AsRef<TEpilogue>(op.Epilogue));
                    else
                        ComputeBlock(packedA, packedB, rows, columns, depth, block, addToC, edgeTile, ref Unsafe.NullRef<TEpilogue>());
                }
            }
        }
        target.Finish(op);
    }

    /// <summary>Where a packed block's C starts: its address, row stride and position in the whole C.</summary>
    private readonly struct BlockPosition(float* c, int ldc, int row, int column)
    {
        public readonly float* C = c;
        public readonly int Ldc = ldc;
        public readonly int Row = row;
        public readonly int Column = column;
    }

    /// <summary>
    /// Runs the micro-kernel over every tile of a packed block. Full tiles write C directly; edge tiles are
    /// computed whole into <paramref name="edgeTile"/> and their valid part merged, so the kernel itself never
    /// branches on sizes. With an <paramref name="epilogue"/> (not a null reference: the last depth block), each
    /// finished tile goes through it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ComputeBlock(float* packedA, float* packedB, int rows, int columns, int depth,
        in BlockPosition block, bool addToC, float* edgeTile, ref TEpilogue epilogue)
    {
        int mr = TKernel.Rows, nr = TKernel.Columns;
        bool finish = !Unsafe.IsNullRef(ref epilogue) && typeof(TEpilogue) != typeof(NoEpilogue);
        for (int jr = 0; jr < columns; jr += nr)
        {
            int tileColumns = Math.Min(nr, columns - jr);
            float* bPanel = packedB + (long)jr * depth;
            for (int ir = 0; ir < rows; ir += mr)
            {
                int tileRows = Math.Min(mr, rows - ir);
                float* aPanel = packedA + (long)ir * depth;
                float* cTile = block.C + (long)ir * block.Ldc + jr;
                if (tileRows == mr && tileColumns == nr)
                {
                    TKernel.Run(depth, aPanel, bPanel, cTile, block.Ldc, addToC);
                }
                else
                {
                    TKernel.Run(depth, aPanel, bPanel, edgeTile, nr, addToC: false);
                    MergeEdgeTile(edgeTile, nr, cTile, block.Ldc, tileRows, tileColumns, addToC);
                }
                if (finish)
                    epilogue.Apply(cTile, block.Ldc, block.Row + ir, block.Column + jr, tileRows, tileColumns);
            }
        }
    }

    /// <summary>
    /// C = tile or C = C + tile on the valid part: the same single addition the kernel does for full tiles, so
    /// edge elements round exactly as interior ones would.
    /// </summary>
    private static void MergeEdgeTile(float* tile, int tileStride, float* c, int ldc, int rows, int columns,
        bool addToC)
    {
        if (!addToC)
        {
            StridedBlock.Copy(tile, tileStride, c, ldc, rows, columns);
            return;
        }
        for (int i = 0; i < rows; i++)
        {
            float* from = tile + (long)i * tileStride;
            float* to = c + (long)i * ldc;
            for (int j = 0; j < columns; j++)
                to[j] += from[j];
        }
    }

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;
}
