using MlNet.Mlp.Kernels;
using Xunit;

namespace MlNet.Mlp.Tests.Kernels;

/// <summary>
/// <see cref="Gemm.Multiply"/> against the double-accumulating <see cref="GemmReference"/>, over every shape
/// class the blocking creates (tiles, edge tiles, several depth/row/column blocks), all four transpose cases,
/// padded strides and accumulation, for the dispatched kernel and each narrower fallback.
/// </summary>
/// <remarks>
/// Tolerance: float accumulation of k terms errs by at most about k·ε·Σ|a||b| in the worst case and far less
/// in practice; |c − ref| ≤ 1e-4·Σₚ|aₚ||bₚ| + 1e-6 (with Σ|a||b| computed per element) is ~8× the float epsilon
/// times the depth block, loose enough for every legal summation order and tight enough that a wrong, missing
/// or doubled term (an error of order |a||b| itself) fails.
/// </remarks>
public class GemmTests
{
    private const double RelativeTolerance = 1e-4;
    private const double AbsoluteTolerance = 1e-6;

    /// <summary>Sizes around the tile edges (MR 4/8, NR 4..32), the depth block (256) and the row block (192).</summary>
    public static TheoryData<int, int, int> Shapes => new()
    {
        { 1, 1, 1 }, { 2, 3, 7 }, { 3, 2, 1 }, { 7, 15, 16 }, { 15, 16, 17 }, { 16, 17, 31 },
        { 17, 31, 33 }, { 31, 33, 63 }, { 33, 65, 15 }, { 63, 65, 127 }, { 65, 63, 129 }, { 127, 129, 65 },
        { 129, 127, 255 }, { 255, 7, 257 }, { 8, 257, 300 }, { 300, 33, 3 }, { 197, 300, 2 }, { 257, 255, 17 },
        { 1, 300, 300 }, { 300, 1, 300 },
    };

    public static TheoryData<int, int, int, bool, bool> ShapesAndTransposes()
    {
        var data = new TheoryData<int, int, int, bool, bool>();
        foreach (object[] shape in Shapes)
        {
            foreach (bool transposeA in new[] { false, true })
            {
                foreach (bool transposeB in new[] { false, true })
                    data.Add((int)shape[0], (int)shape[1], (int)shape[2], transposeA, transposeB);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(ShapesAndTransposes))]
    public void MatchesReferenceWithMinimalStrides(int m, int n, int k, bool transposeA, bool transposeB) =>
        AssertMatchesReference(Gemm.Multiply, new GemmCase(m, n, k, transposeA, transposeB, padding: 0,
            accumulate: false, seed: m * 1000003 + n * 1009 + k));

    [Theory]
    [MemberData(nameof(ShapesAndTransposes))]
    public void MatchesReferenceWithPaddedStridesAndAccumulation(int m, int n, int k, bool transposeA, bool transposeB) =>
        AssertMatchesReference(Gemm.Multiply, new GemmCase(m, n, k, transposeA, transposeB, padding: 5,
            accumulate: true, seed: m * 7919 + n * 104729 + k));

    /// <summary>The MLP's own products, at two threads, as the engine will call them.</summary>
    [Theory]
    [InlineData(128, 256, 784, false, true)]
    [InlineData(256, 784, 128, true, false)]
    [InlineData(128, 784, 256, false, false)]
    [InlineData(128, 10, 256, false, true)]
    [InlineData(10, 256, 128, true, false)]
    [InlineData(128, 256, 10, false, false)]
    public void MatchesReferenceOnBackpropShapes(int m, int n, int k, bool transposeA, bool transposeB) =>
        AssertMatchesReference((ta, tb, mm, nn, kk, a, lda, b, ldb, c, ldc, acc, _) =>
                Gemm.Multiply(ta, tb, mm, nn, kk, a, lda, b, ldb, c, ldc, acc, numberOfThreads: 2),
            new GemmCase(m, n, k, transposeA, transposeB, padding: 3, accumulate: false, seed: 42));

    public static TheoryData<string, bool, bool> KernelCases()
    {
        var data = new TheoryData<string, bool, bool>();
        foreach (string kernel in new[] { nameof(MicroKernel512), nameof(MicroKernel512Narrow), nameof(MicroKernel256Wide),
                     nameof(MicroKernel256), nameof(MicroKernel128), nameof(MicroKernelScalar) })
        {
            foreach (bool transposeA in new[] { false, true })
            {
                foreach (bool transposeB in new[] { false, true })
                    data.Add(kernel, transposeA, transposeB);
            }
        }
        return data;
    }

    /// <summary>
    /// Every kernel, forced, on shapes with edge tiles in every dimension and two depth blocks: dispatch alone
    /// may never reach the narrower fallbacks on this machine (or the AVX-512 ones on another), and picks the
    /// narrow AVX-512 kernel only for n ≤ 16. (Vector512 code runs, slowly, where it is not accelerated.)
    /// </summary>
    [Theory]
    [MemberData(nameof(KernelCases))]
    public void EveryKernelMatchesReference(string kernel, bool transposeA, bool transposeB)
    {
        GemmFunction multiply = kernel switch
        {
            nameof(MicroKernel512) => Gemm.Multiply<MicroKernel512>,
            nameof(MicroKernel512Narrow) => Gemm.Multiply<MicroKernel512Narrow>,
            nameof(MicroKernel256Wide) => Gemm.Multiply<MicroKernel256Wide>,
            nameof(MicroKernel256) => Gemm.Multiply<MicroKernel256>,
            nameof(MicroKernel128) => Gemm.Multiply<MicroKernel128>,
            _ => Gemm.Multiply<MicroKernelScalar>,
        };
        AssertMatchesReference(multiply, new GemmCase(37, 45, 300, transposeA, transposeB, padding: 2,
            accumulate: false, seed: 7));
        AssertMatchesReference(multiply, new GemmCase(33, 19, 65, transposeA, transposeB, padding: 1,
            accumulate: true, seed: 8));
    }

    /// <summary>
    /// 1, 2 and 4 threads must give the same bits, on shapes large enough to be split (several rectangles with
    /// edge tiles, several depth blocks) and with accumulation. Column splits with several depth blocks sum in
    /// private buffers (<c>GemmRectangleTarget</c>), with and without accumulation.
    /// </summary>
    [Theory]
    [InlineData(128, 256, 784, false, true, false)]
    [InlineData(256, 784, 128, true, false, true)]
    [InlineData(133, 301, 517, false, false, false)]
    [InlineData(133, 301, 517, true, false, true)]
    [InlineData(301, 133, 259, true, true, true)]
    public void ResultIsBitIdenticalForAnyThreadCount(int m, int n, int k, bool transposeA, bool transposeB,
        bool accumulate)
    {
        var testCase = new GemmCase(m, n, k, transposeA, transposeB, padding: 1, accumulate, seed: 99);
        float[] single = testCase.Compute(1);
        foreach (int threads in new[] { 2, 4, 0 })
        {
            float[] parallel = testCase.Compute(threads);
            Assert.True(single.AsSpan().SequenceEqual(parallel), $"{threads} threads differ from 1 thread");
        }
    }

    /// <summary>
    /// Back-to-back parallel calls on different operands (large enough to be split across threads): a helper
    /// thread that starts late must never compute into (or with) the operands of a later call.
    /// </summary>
    [Fact]
    public void BackToBackParallelCallsDoNotInterfere()
    {
        GemmCase[] cases =
        [
            new GemmCase(128, 160, 131, false, true, padding: 0, accumulate: false, seed: 11),
            new GemmCase(160, 128, 133, true, false, padding: 1, accumulate: false, seed: 12),
        ];
        float[][] expected = cases.Select(testCase => testCase.Compute(1)).ToArray();
        for (int call = 0; call < 300; call++)
        {
            int which = call % 2;
            Assert.True(expected[which].AsSpan().SequenceEqual(cases[which].Compute(2)), $"call {call} differs");
        }
    }

    /// <summary>
    /// Pack buffers and parallel jobs are reused, so repeated calls allocate nothing on the calling thread (the
    /// part of the hot path this thread can observe; the workers run the same allocation-free driver). A worker
    /// that ended after its idle timeout is replaced by a new thread, which allocates once; so a round of calls may
    /// allocate now and then on a loaded machine, but an allocation per call would show in every round.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void RepeatedCallsDoNotAllocate(int threads)
    {
        var testCase = new GemmCase(128, 256, 200, false, true, padding: 0, accumulate: false, seed: 3);
        float[] c = testCase.InitialC.ToArray();
        void Multiply() => Gemm.Multiply(testCase.TransposeA, testCase.TransposeB, testCase.M, testCase.N, testCase.K,
            testCase.A, testCase.Lda, testCase.B, testCase.Ldb, c, testCase.Ldc, testCase.Accumulate, threads);
        for (int i = 0; i < 5; i++)
            Multiply();
        var allocatedPerRound = new List<long>();
        for (int round = 0; round < 3 && !allocatedPerRound.Contains(0); round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 20; i++)
                Multiply();
            allocatedPerRound.Add(GC.GetAllocatedBytesForCurrentThread() - before);
        }
        Assert.True(allocatedPerRound.Contains(0), $"every round of 20 calls allocated: {string.Join(", ", allocatedPerRound)} bytes");
    }

    [Fact]
    public void ZeroDepthClearsOrKeepsC()
    {
        float[] c = [1f, 2f, 3f, 4f];
        Gemm.Multiply(false, false, 2, 2, 0, [], 0, [], 2, c, 2, accumulate: true);
        Assert.Equal([1f, 2f, 3f, 4f], c);
        Gemm.Multiply(false, false, 2, 2, 0, [], 0, [], 2, c, 2, accumulate: false);
        Assert.Equal([0f, 0f, 0f, 0f], c);
    }

    [Fact]
    public void LeavesElementsOutsideTheOutputUntouched()
    {
        var testCase = new GemmCase(9, 33, 20, false, true, padding: 4, accumulate: false, seed: 5);
        float[] c = testCase.Compute(2);
        for (int i = 0; i < testCase.M; i++)
        {
            for (int j = testCase.N; j < testCase.Ldc; j++)
                Assert.Equal(testCase.InitialC[i * testCase.Ldc + j], c[i * testCase.Ldc + j]);
        }
    }

    [Fact]
    public void RejectsSpansTooShortForTheShape()
    {
        float[] a = new float[6], b = new float[6], c = new float[3];
        Assert.Throws<ArgumentException>(() => Gemm.Multiply(false, false, 2, 2, 3, a, 3, b, 2, c, 2, false));
        Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.Multiply(false, false, 2, 2, 3, a, 2, b, 2, c, 2, false));
    }

    internal delegate void GemmFunction(bool transposeA, bool transposeB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc, bool accumulate,
        int numberOfThreads);

    private static void AssertMatchesReference(GemmFunction multiply, GemmCase testCase)
    {
        float[] actual = testCase.InitialC.ToArray();
        multiply(testCase.TransposeA, testCase.TransposeB, testCase.M, testCase.N, testCase.K, testCase.A,
            testCase.Lda, testCase.B, testCase.Ldb, actual, testCase.Ldc, testCase.Accumulate, 1);
        float[] expected = testCase.InitialC.ToArray();
        GemmReference.Multiply(testCase.TransposeA, testCase.TransposeB, testCase.M, testCase.N, testCase.K,
            testCase.A, testCase.Lda, testCase.B, testCase.Ldb, expected, testCase.Ldc, testCase.Accumulate);
        for (int i = 0; i < testCase.M; i++)
        {
            for (int j = 0; j < testCase.N; j++)
            {
                int index = i * testCase.Ldc + j;
                double bound = RelativeTolerance * testCase.MagnitudeSum(i, j) + AbsoluteTolerance;
                if (Math.Abs(actual[index] - expected[index]) > bound)
                {
                    Assert.Fail($"{testCase}: C[{i},{j}] = {actual[index]}, reference {expected[index]} " +
                        $"(allowed error {bound:G3})");
                }
            }
        }
        for (int index = 0; index < actual.Length; index++)
        {
            if (index % testCase.Ldc >= testCase.N)
                Assert.Equal(testCase.InitialC[index], actual[index]);
        }
    }

    /// <summary>Operands of one product with fixed-seed values in [-1, 1) and strides padded by <c>padding</c>.</summary>
    internal sealed class GemmCase
    {
        public GemmCase(int m, int n, int k, bool transposeA, bool transposeB, int padding, bool accumulate, int seed)
        {
            (M, N, K, TransposeA, TransposeB, Accumulate) = (m, n, k, transposeA, transposeB, accumulate);
            var random = new Random(seed);
            (int aRows, int aColumns) = transposeA ? (k, m) : (m, k);
            (int bRows, int bColumns) = transposeB ? (n, k) : (k, n);
            Lda = aColumns + padding;
            Ldb = bColumns + padding;
            Ldc = n + padding;
            A = RandomValues(random, aRows * Lda);
            B = RandomValues(random, bRows * Ldb);
            InitialC = RandomValues(random, m * Ldc);
        }

        public int M { get; }
        public int N { get; }
        public int K { get; }
        public bool TransposeA { get; }
        public bool TransposeB { get; }
        public bool Accumulate { get; }
        public int Lda { get; }
        public int Ldb { get; }
        public int Ldc { get; }
        public float[] A { get; }
        public float[] B { get; }
        public float[] InitialC { get; }

        public float[] Compute(int threads)
        {
            float[] c = InitialC.ToArray();
            Gemm.Multiply(TransposeA, TransposeB, M, N, K, A, Lda, B, Ldb, c, Ldc, Accumulate, threads);
            return c;
        }

        /// <summary>Σₚ |op(A)[i,p]|·|op(B)[p,j]| (+|C| when accumulating): the scale of element (i, j).</summary>
        public double MagnitudeSum(int i, int j)
        {
            double sum = Accumulate ? Math.Abs(InitialC[i * Ldc + j]) : 0;
            for (int p = 0; p < K; p++)
            {
                float a = TransposeA ? A[p * Lda + i] : A[i * Lda + p];
                float b = TransposeB ? B[j * Ldb + p] : B[p * Ldb + j];
                sum += Math.Abs((double)a * b);
            }
            return sum;
        }

        public override string ToString() =>
            $"m={M} n={N} k={K} transA={TransposeA} transB={TransposeB} ld=({Lda},{Ldb},{Ldc}) accumulate={Accumulate}";

        private static float[] RandomValues(Random random, int length)
        {
            var values = new float[length];
            for (int i = 0; i < length; i++)
                values[i] = (float)(random.NextDouble() * 2 - 1);
            return values;
        }
    }
}
