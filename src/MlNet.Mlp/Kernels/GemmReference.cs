namespace MlNet.Mlp.Kernels;

/// <summary>
/// The plain scalar definition of <see cref="Gemm.Multiply"/>, accumulated in double. Tests compare the fast
/// kernel against it; it is never used for training.
/// </summary>
internal static class GemmReference
{
    /// <summary>Same contract as <see cref="Gemm.Multiply"/>.</summary>
    public static void Multiply(bool transposeA, bool transposeB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        Span<float> c, int ldc, bool accumulate)
    {
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = accumulate ? c[i * ldc + j] : 0.0;
                for (int p = 0; p < k; p++)
                {
                    float aip = transposeA ? a[p * lda + i] : a[i * lda + p];
                    float bpj = transposeB ? b[j * ldb + p] : b[p * ldb + j];
                    sum += (double)aip * bpj;
                }
                c[i * ldc + j] = (float)sum;
            }
        }
    }
}
