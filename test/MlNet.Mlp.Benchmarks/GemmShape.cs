namespace MlNet.Mlp.Benchmarks;

/// <summary>
/// One benchmarked product C = op(A)·op(B) with its operands, filled with fixed pseudo-random values.
/// </summary>
public sealed class GemmShape
{
    private GemmShape(string name, bool transposeA, bool transposeB, int m, int n, int k)
    {
        Name = name;
        TransposeA = transposeA;
        TransposeB = transposeB;
        M = m;
        N = n;
        K = k;
        var random = new Random(12345);
        A = RandomMatrix(random, m * k);
        B = RandomMatrix(random, k * n);
        C = new float[m * n];
    }

    /// <summary>
    /// The products of a 784-256-10 MLP at minibatch 128, plus square ones for comparison with BLAS figures:
    /// fwd = X·Wᵀ (transposeB), wgrad = Gᵀ·X (transposeA, dW) and Xᵀ·G (transposeA, dWᵀ: the
    /// (784×128)·(128×256) form), igrad = G·W, out = the output layer's X·Wᵀ, out-dW and out-dX its gradients.
    /// Names stay within BenchmarkDotNet's 20-character parameter display and match build/bench/gemm_onednn.py.
    /// </summary>
    public static IReadOnlyList<GemmShape> All { get; } =
    [
        new("fwd m128 n256 k784", false, true, 128, 256, 784),
        new("wgrad m256 n784 k128", true, false, 256, 784, 128),
        new("wgrad m784 n256 k128", true, false, 784, 256, 128),
        new("igrad m128 n784 k256", false, false, 128, 784, 256),
        new("out m128 n10 k256", false, true, 128, 10, 256),
        new("out-dW m10 n256 k128", true, false, 10, 256, 128),
        new("out-dX m128 n256 k10", false, false, 128, 256, 10),
        new("square 1024", false, false, 1024, 1024, 1024),
        new("square 2048", false, false, 2048, 2048, 2048),
    ];

    public string Name { get; }
    public bool TransposeA { get; }
    public bool TransposeB { get; }
    public int M { get; }
    public int N { get; }
    public int K { get; }
    public float[] A { get; }
    public float[] B { get; }
    public float[] C { get; }

    /// <summary>Floating-point operations of one product (a multiply and an add per term).</summary>
    public double Flops => 2.0 * M * N * K;

    public void Run(int threads) =>
        Kernels.Gemm.Multiply(TransposeA, TransposeB, M, N, K, A, TransposeA ? M : K, B, TransposeB ? K : N,
            C, N, accumulate: false, threads);

    public override string ToString() => Name;

    private static float[] RandomMatrix(Random random, int length)
    {
        var values = new float[length];
        for (int i = 0; i < values.Length; i++)
            values[i] = (float)(random.NextDouble() * 2 - 1);
        return values;
    }
}
