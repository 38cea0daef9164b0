namespace MlNet.Mlp.Kernels;

/// <summary>
/// Single-precision matrix product for row-major matrices: C = op(A)·op(B), or C += op(A)·op(B).
/// </summary>
/// <remarks>
/// op(A) is m×k: A is stored m×k (row stride <c>lda</c> ≥ k), or k×m when <c>transposeA</c> (lda ≥ m).
/// op(B) is k×n: B is stored k×n (ldb ≥ n), or n×k when <c>transposeB</c> (ldb ≥ k). C is m×n (ldc ≥ n).
/// Backprop with weights W stored out×in uses three shapes: forward Z = X·Wᵀ (transposeB), weight gradient
/// Gᵀ·X (transposeA) and input gradient G·W (neither).
/// </remarks>
public static class Gemm
{
    /// <summary>Computes C = op(A)·op(B), or C += op(A)·op(B) when <paramref name="accumulate"/> is true.</summary>
    public static void Multiply(bool transposeA, bool transposeB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        Span<float> c, int ldc, bool accumulate, int numberOfThreads = 1)
    {
        // First correct version (i-p-j loop order, vectorised over j by the JIT-friendly inner loop);
        // the cache-blocked, packed, multi-threaded kernel replaces it.
        for (int i = 0; i < m; i++)
        {
            Span<float> ci = c.Slice(i * ldc, n);
            if (!accumulate)
                ci.Clear();
            for (int p = 0; p < k; p++)
            {
                float aip = transposeA ? a[p * lda + i] : a[i * lda + p];
                if (transposeB)
                {
                    for (int j = 0; j < n; j++)
                        ci[j] += aip * b[j * ldb + p];
                }
                else
                {
                    System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(b.Slice(p * ldb, n), aip, ci, ci);
                }
            }
        }
    }
}
