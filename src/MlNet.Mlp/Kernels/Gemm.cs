using System.Runtime.CompilerServices;

namespace MlNet.Mlp.Kernels;

/// <summary>
/// Single-precision matrix product for row-major matrices: C = op(A)·op(B), or C += op(A)·op(B).
/// </summary>
/// <remarks>
/// op(A) is m×k: A is stored m×k (row stride <c>lda</c> ≥ k), or k×m when <c>transposeA</c> (lda ≥ m).
/// op(B) is k×n: B is stored k×n (ldb ≥ n), or n×k when <c>transposeB</c> (ldb ≥ k). C is m×n (ldc ≥ n).
/// Backprop with weights W stored out×in uses three shapes: forward Z = X·Wᵀ (transposeB), weight gradient
/// Gᵀ·X (transposeA) and input gradient G·W (neither).
/// <para>Implementation: packed, cache-blocked panels (<see cref="GemmDriver{TKernel, TEpilogue}"/>) around a register-tiled
/// SIMD micro-kernel, the widest the hardware accelerates (AVX-512, then 256-bit, 128-bit, scalar), with a
/// 16-column AVX-512 variant for narrow products such as a 10-class output layer.</para>
/// <para>Results are deterministic: for given inputs they are bit-identical whatever
/// <c>numberOfThreads</c> is, because threads split only the output and every element's depth sum is formed
/// in the same order. They can differ between machines with different vector widths.</para>
/// </remarks>
public static class Gemm
{
    /// <summary>Computes C = op(A)·op(B), or C += op(A)·op(B) when <paramref name="accumulate"/> is true.</summary>
    /// <param name="transposeA">Whether op(A) = Aᵀ.</param>
    /// <param name="transposeB">Whether op(B) = Bᵀ.</param>
    /// <param name="m">Rows of op(A) and C.</param>
    /// <param name="n">Columns of op(B) and C.</param>
    /// <param name="k">Columns of op(A), rows of op(B): the reduction length.</param>
    /// <param name="a">A, row-major with row stride <paramref name="lda"/>.</param>
    /// <param name="lda">Row stride of A.</param>
    /// <param name="b">B, row-major with row stride <paramref name="ldb"/>.</param>
    /// <param name="ldb">Row stride of B.</param>
    /// <param name="c">C, row-major with row stride <paramref name="ldc"/>; only its m×n elements are written.</param>
    /// <param name="ldc">Row stride of C.</param>
    /// <param name="accumulate">Add the product to C instead of overwriting it.</param>
    /// <param name="numberOfThreads">Threads to use at most; 0 or less means <see cref="Environment.ProcessorCount"/>.
    /// Small products run on the calling thread; the result does not depend on this value.</param>
    public static void Multiply(bool transposeA, bool transposeB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        Span<float> c, int ldc, bool accumulate, int numberOfThreads = 1) =>
        Multiply(transposeA, transposeB, m, n, k, a, lda, b, ldb, c, ldc, accumulate, new NoEpilogue(), numberOfThreads);

    /// <summary>
    /// <see cref="Multiply"/>, then <paramref name="epilogue"/> on every tile of C once its product is complete (see
    /// <see cref="IGemmEpilogue"/>); without <paramref name="accumulate"/> the result is that of the product followed
    /// by a separate elementwise pass over C.
    /// </summary>
    /// <remarks>
    /// Fully optimised from its first call: only then are the kernels' <c>IsSupported</c> checks constants, so that
    /// the JIT imports the one branch taken instead of instantiating all six kernels with this epilogue, once at
    /// tier 0 and again at tier 1 (about 0.05 s of a fresh process's 0.6 s of compilation in a Fashion-MNIST Fit).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Multiply<TEpilogue>(bool transposeA, bool transposeB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        Span<float> c, int ldc, bool accumulate, in TEpilogue epilogue, int numberOfThreads)
        where TEpilogue : struct, IGemmEpilogue
    {
        // The kernel depends only on the hardware and n, never on the thread count, so determinism holds.
        if (MicroKernel512Narrow.IsSupported && n <= MicroKernel512Narrow.Columns)
            Multiply<MicroKernel512Narrow, TEpilogue>(transposeA, transposeB, m, n, k, a, lda, b, ldb, c, ldc, accumulate, epilogue, numberOfThreads);
        else if (MicroKernel512.IsSupported)
            Multiply<MicroKernel512, TEpilogue>(transposeA, transposeB, m, n, k, a, lda, b, ldb, c, ldc, accumulate, epilogue, numberOfThreads);
        else if (MicroKernel256Wide.IsSupported && n >= MicroKernel256Wide.Columns)
            Multiply<MicroKernel256Wide, TEpilogue>(transposeA, transposeB, m, n, k, a, lda, b, ldb, c, ldc, accumulate, epilogue, numberOfThreads);
        else if (MicroKernel256.IsSupported)
            Multiply<MicroKernel256, TEpilogue>(transposeA, transposeB, m, n, k, a, lda, b, ldb, c, ldc, accumulate, epilogue, numberOfThreads);
        else if (MicroKernel128.IsSupported)
            Multiply<MicroKernel128, TEpilogue>(transposeA, transposeB, m, n, k, a, lda, b, ldb, c, ldc, accumulate, epilogue, numberOfThreads);
        else
            Multiply<MicroKernelScalar, TEpilogue>(transposeA, transposeB, m, n, k, a, lda, b, ldb, c, ldc, accumulate, epilogue, numberOfThreads);
    }

    /// <summary>
    /// <see cref="Multiply"/> with an explicit micro-kernel, so tests can exercise the narrower fallbacks on
    /// hardware that would pick a wider one.
    /// </summary>
    internal static void Multiply<TKernel>(bool transposeA, bool transposeB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        Span<float> c, int ldc, bool accumulate, int numberOfThreads)
        where TKernel : struct, IGemmMicroKernel =>
        Multiply<TKernel, NoEpilogue>(transposeA, transposeB, m, n, k, a, lda, b, ldb, c, ldc, accumulate, new NoEpilogue(), numberOfThreads);

    /// <summary>The epilogue form of <c>Multiply</c> with an explicit micro-kernel.</summary>
    internal static unsafe void Multiply<TKernel, TEpilogue>(bool transposeA, bool transposeB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        Span<float> c, int ldc, bool accumulate, in TEpilogue epilogue, int numberOfThreads)
        where TKernel : struct, IGemmMicroKernel where TEpilogue : struct, IGemmEpilogue
    {
        ValidateShape(m, n, k);
        ValidateMatrix(nameof(a), a.Length, transposeA ? k : m, transposeA ? m : k, lda);
        ValidateMatrix(nameof(b), b.Length, transposeB ? n : k, transposeB ? k : n, ldb);
        ValidateMatrix(nameof(c), c.Length, m, n, ldc);
        if (m == 0 || n == 0)
            return;
        if (k == 0)
        {
            if (!accumulate)
                ClearRows(c, m, n, ldc);
            fixed (float* cPointer = c)
                Unsafe.AsRef(in epilogue).Apply(cPointer, ldc, 0, 0, m, n);
            return;
        }
        int threads = numberOfThreads <= 0 ? Environment.ProcessorCount : numberOfThreads;
        fixed (float* aPointer = a)
        fixed (float* bPointer = b)
        fixed (float* cPointer = c)
        {
            var operands = new GemmOperands(transposeA, transposeB, m, n, k, aPointer, lda, bPointer, ldb,
                cPointer, ldc, accumulate, Unsafe.AsPointer(ref Unsafe.AsRef(in epilogue)));
            GemmParallel.Run(operands, threads, TKernel.Rows, TKernel.Columns, &GemmDriver<TKernel, TEpilogue>.ComputeRectangle);
        }
    }

    private static void ValidateShape(int m, int n, int k)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
    }

    /// <summary>Checks that a rows×columns matrix with the given row stride fits in the span.</summary>
    private static void ValidateMatrix(string name, int length, int rows, int columns, int stride)
    {
        if (stride < columns)
            throw new ArgumentOutOfRangeException(name, $"Row stride {stride} is smaller than the {columns} columns.");
        if (rows > 0 && columns > 0 && length < (long)(rows - 1) * stride + columns)
            throw new ArgumentException($"Span of length {length} is too short for {rows}×{columns} with stride {stride}.", name);
    }

    private static void ClearRows(Span<float> c, int m, int n, int ldc)
    {
        for (int i = 0; i < m; i++)
            c.Slice(i * ldc, n).Clear();
    }
}
