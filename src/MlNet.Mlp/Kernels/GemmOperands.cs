namespace MlNet.Mlp.Kernels;

/// <summary>
/// One validated product C (+)= op(A)·op(B), as raw pointers. Spans cannot be captured by thread-pool work items,
/// so <see cref="Gemm.Multiply"/> pins them for the duration of the call (it returns only when every task is
/// done) and hands this description to the drivers.
/// </summary>
internal readonly unsafe struct GemmOperands
{
    public GemmOperands(bool transposeA, bool transposeB, int m, int n, int k,
        float* a, int lda, float* b, int ldb, float* c, int ldc, bool accumulate, void* epilogue)
    {
        Epilogue = epilogue;
        TransposeA = transposeA;
        TransposeB = transposeB;
        M = m;
        N = n;
        K = k;
        A = a;
        Lda = lda;
        B = b;
        Ldb = ldb;
        C = c;
        Ldc = ldc;
        Accumulate = accumulate;
    }

    public bool TransposeA { get; }
    public bool TransposeB { get; }
    public int M { get; }
    public int N { get; }
    public int K { get; }
    public float* A { get; }
    public int Lda { get; }
    public float* B { get; }
    public int Ldb { get; }
    public float* C { get; }
    public int Ldc { get; }
    public bool Accumulate { get; }

    /// <summary>The caller's <see cref="IGemmEpilogue"/> (a local of the caller, alive until the product returns).</summary>
    public void* Epilogue { get; }

    /// <summary>Address of op(A)[row, depth].</summary>
    public float* AAt(int row, int depth) => TransposeA ? A + (long)depth * Lda + row : A + (long)row * Lda + depth;

    /// <summary>Address of op(B)[depth, column].</summary>
    public float* BAt(int depth, int column) => TransposeB ? B + (long)column * Ldb + depth : B + (long)depth * Ldb + column;

    /// <summary>
    /// Whether a row of op(A) runs along the depth in memory (A not transposed), which is the case that packs by
    /// transposing.
    /// </summary>
    public bool ARowsAreDepthContiguous => !TransposeA;

    /// <summary>Whether a column of op(B) runs along the depth in memory (B transposed).</summary>
    public bool BColumnsAreDepthContiguous => TransposeB;
}
