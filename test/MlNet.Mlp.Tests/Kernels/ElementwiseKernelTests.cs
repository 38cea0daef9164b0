using MlNet.Mlp.Kernels;
using Xunit;

namespace MlNet.Mlp.Tests.Kernels;

/// <summary>
/// Every vectorised kernel against its scalar definition in <see cref="KernelReference"/>, for every length
/// 1–256 (so every vector-block/tail split is hit), inputs from a fixed seed.
/// </summary>
public class ElementwiseKernelTests
{
    private const int MaxLength = 256;

    public delegate void Unary(ReadOnlySpan<float> x, Span<float> y);

    private static float[] RandomArray(Random random, int length, float scale)
    {
        var values = new float[length];
        for (int i = 0; i < length; i++)
            values[i] = (float)((random.NextDouble() * 2 - 1) * scale);
        return values;
    }

    private static void AssertClose(float expected, float actual, float absoluteTolerance, float relativeTolerance, string what)
    {
        float bound = absoluteTolerance + relativeTolerance * MathF.Abs(expected);
        Assert.True(MathF.Abs(expected - actual) <= bound, $"{what}: expected {expected}, got {actual} (tolerance {bound}).");
    }

    private static void CheckUnary(Unary kernel, Unary reference, float scale, float absoluteTolerance, bool inPlace)
    {
        var random = new Random(1234);
        for (int n = 1; n <= MaxLength; n++)
        {
            float[] x = RandomArray(random, n, scale);
            var expected = new float[n];
            reference(x, expected);
            float[] actual = inPlace ? (float[])x.Clone() : new float[n];
            kernel(inPlace ? actual : x, actual);
            for (int i = 0; i < n; i++)
                AssertClose(expected[i], actual[i], absoluteTolerance, 1e-6f, $"n={n} i={i} x={x[i]}");
        }
    }

    // Scale 100 drives sigmoid and tanh deep into saturation, where a naive e^−a would overflow.
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ForwardActivationsMatchReference(bool inPlace)
    {
        CheckUnary(Activations.Sigmoid, KernelReference.Sigmoid, 100f, 1e-6f, inPlace);
        CheckUnary(Activations.Sigmoid, KernelReference.Sigmoid, 4f, 1e-6f, inPlace);
        CheckUnary(Activations.Tanh, KernelReference.Tanh, 100f, 1e-6f, inPlace);
        CheckUnary(Activations.Tanh, KernelReference.Tanh, 3f, 1e-6f, inPlace);
        CheckUnary(Activations.Relu, KernelReference.Relu, 3f, 0f, inPlace);
        CheckUnary(Activations.HardTanh, KernelReference.HardTanh, 3f, 0f, inPlace);
        CheckUnary(Activations.Sign, KernelReference.Sign, 3f, 0f, inPlace);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SmoothClipMatchesReference(bool inPlace)
    {
        // Scale 1e8 reaches the saturation point (t = 10⁶ at x = 3·10⁶).
        foreach (float scale in new[] { 2f, 50f, 1e8f })
        {
            CheckUnary((x, y) => { x.CopyTo(y); SmoothClip.Apply(y, 3f, 1e6f); },
                (x, y) => KernelReference.SmoothClip(x, y, 3f, 1e6f), scale, 1e-6f, inPlace);
        }
        float[] extremes = [float.MaxValue, -float.MaxValue, 0f, -0f];
        SmoothClip.Apply(extremes, 3f, 1e6f);
        Assert.Equal([3f, -3f, 0f, -0f], extremes);
    }

    [Fact]
    public void SigmoidNeverOverflowsToNaN()
    {
        float[] a = [float.MaxValue, -float.MaxValue, 1e30f, -1e30f, 89f, -89f, 0f];
        var h = new float[a.Length];
        Activations.Sigmoid(a, h);
        Assert.Equal([1f, 0f, 1f, 0f, 1f, 0f, 0.5f], h);
    }

    // A training batch's outputs fill vector lanes while a single row scored alone (one binary output) takes the
    // scalar form: the two must agree to the bit, or a model would score a row differently alone and in a batch.
    [Theory]
    [InlineData("Sigmoid")]
    [InlineData("Tanh")]
    public void ExponentialActivationsGiveAnElementTheBitsOfALaneInTheScalarTail(string name)
    {
        Unary kernel = name == "Sigmoid" ? Activations.Sigmoid : Activations.Tanh;
        float[] a = RandomArray(new Random(7), 67, 30f);
        a[5] = 1e-5f; // below tanh's linear threshold
        var whole = new float[a.Length];
        kernel(a, whole);
        var alone = new float[1];
        for (int i = 0; i < a.Length; i++)
        {
            kernel(a.AsSpan(i, 1), alone);
            Assert.True(BitConverter.SingleToInt32Bits(whole[i]) == BitConverter.SingleToInt32Bits(alone[0]),
                $"a = {a[i]:R}: {whole[i]:R} in a lane, {alone[0]:R} alone");
        }
    }

    [Fact]
    public void TanhIsOddAndExactNearZero()
    {
        float[] a = [0f, -0f, 1e-30f, -1e-30f, 1e-5f, 2e-4f, 0.3f, -0.3f, 5f, -5f, 50f, -50f, float.MaxValue, -float.MaxValue, 7e-3f, -7e-3f];
        var h = new float[a.Length];
        Activations.Tanh(a, h);
        for (int i = 0; i < a.Length; i++)
        {
            if (MathF.Abs(a[i]) < 1f / 4096)
                Assert.Equal(BitConverter.SingleToInt32Bits(a[i]), BitConverter.SingleToInt32Bits(h[i]));
            var negated = new float[1];
            Activations.Tanh([-a[i]], negated);
            Assert.Equal(-h[i], negated[0]);
        }
        Assert.Equal([1f, -1f, 1f, -1f], new[] { h[10], h[11], h[12], h[13] });
    }

    [Fact]
    public void SignTreatsZeroAsPositive()
    {
        float[] a = [0f, -0f, 1e-30f, -1e-30f];
        var h = new float[a.Length];
        Activations.Sign(a, h);
        Assert.Equal([1f, 1f, 1f, -1f], h);
    }

    public static TheoryData<string> BackwardKernels => new() { "Sigmoid", "Tanh", "Relu", "HardTanh" };

    [Theory]
    [MemberData(nameof(BackwardKernels))]
    public void BackwardActivationsMatchReference(string name)
    {
        (Unary forward, Unary kernel, Unary reference) = name switch
        {
            "Sigmoid" => ((Unary)Activations.Sigmoid, (Unary)Activations.SigmoidBackward, (Unary)KernelReference.SigmoidBackward),
            "Tanh" => (Activations.Tanh, Activations.TanhBackward, KernelReference.TanhBackward),
            "Relu" => (Activations.Relu, Activations.ReluBackward, KernelReference.ReluBackward),
            _ => (Activations.HardTanh, Activations.HardTanhBackward, KernelReference.HardTanhBackward),
        };
        var random = new Random(99);
        for (int n = 1; n <= MaxLength; n++)
        {
            float[] a = RandomArray(random, n, 3f);
            var h = new float[n];
            forward(a, h);
            float[] g = RandomArray(random, n, 2f);
            float[] expected = (float[])g.Clone();
            reference(h, expected);
            kernel(h, g);
            for (int i = 0; i < n; i++)
                AssertClose(expected[i], g[i], 1e-7f, 1e-6f, $"{name} n={n} i={i}");
        }
    }

    [Fact]
    public void SoftmaxRowMatchesReferenceAndSumsToOne()
    {
        var random = new Random(7);
        for (int n = 1; n <= MaxLength; n++)
        {
            // Logits up to ±500 would overflow e^z without the max shift.
            float[] z = RandomArray(random, n, n % 2 == 0 ? 500f : 5f);
            var expected = new float[n];
            KernelReference.SoftmaxRow(z, expected);
            var p = new float[n];
            Softmax.Row(z, p);
            double sum = 0;
            for (int i = 0; i < n; i++)
            {
                AssertClose(expected[i], p[i], 1e-7f, 1e-5f, $"n={n} i={i}");
                sum += p[i];
            }
            Assert.InRange(sum, 1 - 1e-5, 1 + 1e-5);
            Assert.Equal(KernelReference.LogSumExp(z), Softmax.LogSumExp(z), 1e-5 * Math.Max(1, Math.Abs(KernelReference.LogSumExp(z))));
        }
    }

    [Fact]
    public void SoftmaxRowBackwardMatchesReference()
    {
        var random = new Random(11);
        for (int n = 1; n <= MaxLength; n++)
        {
            var p = new float[n];
            Softmax.Row(RandomArray(random, n, 3f), p);
            float[] g = RandomArray(random, n, 2f);
            float[] expected = (float[])g.Clone();
            KernelReference.SoftmaxRowBackward(p, expected);
            Softmax.RowBackward(p, g);
            for (int i = 0; i < n; i++)
                AssertClose(expected[i], g[i], 1e-7f, 1e-5f, $"n={n} i={i}");
        }
    }

    [Fact]
    public void BiasKernelsMatchReference()
    {
        var random = new Random(5);
        for (int n = 1; n <= MaxLength; n++)
        {
            const int rows = 5;
            int ld = n + 3;
            float[] z = RandomArray(random, rows * ld, 2f);
            float[] bias = RandomArray(random, n, 2f);
            float[] expected = (float[])z.Clone();
            KernelReference.AddToRows(expected, rows, ld, bias);
            Bias.AddToRows(z, rows, ld, bias);
            Assert.Equal(expected, z); // one float addition per element: exact

            var sums = new float[n];
            var expectedSums = new float[n];
            KernelReference.SumRows(z, rows, ld, expectedSums);
            Bias.SumRows(z, rows, ld, sums, accumulate: false);
            for (int j = 0; j < n; j++)
                AssertClose(expectedSums[j], sums[j], 1e-5f, 1e-5f, $"n={n} j={j}");
            Bias.SumRows(z, rows, ld, sums, accumulate: true);
            for (int j = 0; j < n; j++)
                AssertClose(2 * expectedSums[j], sums[j], 1e-5f, 1e-5f, $"accumulate n={n} j={j}");
        }
    }

    [Fact]
    public void OptimizerKernelsMatchReference()
    {
        var random = new Random(11);
        for (int n = 1; n <= MaxLength; n++)
        {
            float[] w = RandomArray(random, n, 1f), g = RandomArray(random, n, 1f);
            float[] d = RandomArray(random, n, 0.1f), m = RandomArray(random, n, 0.1f);
            float[] v = RandomArray(random, n, 0.01f).Select(MathF.Abs).ToArray();

            CheckStep(w, d, (wa, da) => OptimizerKernels.MomentumStep(wa, g, da, 0.1f, 0.9f),
                (wa, da) => KernelReference.MomentumStep(wa, g, da, 0.1f, 0.9f), n);
            CheckStep(w, d, (wa, da) => OptimizerKernels.NesterovStep(wa, g, da, 0.1f, 0.9f),
                (wa, da) => KernelReference.NesterovStep(wa, g, da, 0.1f, 0.9f), n);

            // Plain Adam, and AdamW's decoupled decay (δ = 1 − ηλ with η 0.01, λ 0.1) folded into the same step.
            foreach (float decay in new[] { 1f, 0.999f })
            {
                float[] wa = (float[])w.Clone(), ma = (float[])m.Clone(), va = (float[])v.Clone();
                float[] wr = (float[])w.Clone(), mr = (float[])m.Clone(), vr = (float[])v.Clone();
                OptimizerKernels.AdamStep(wa, g, ma, va, 0.01f / (1 - 0.9f * 0.9f), 0.9f, 0.999f, 1f / (1 - 0.999f * 0.999f), 1e-8f, decay);
                KernelReference.AdamStep(wr, g, mr, vr, 0.01f / (1 - 0.9f * 0.9f), 0.9f, 0.999f, 1f / (1 - 0.999f * 0.999f), 1e-8f, decay);
                for (int i = 0; i < n; i++)
                {
                    AssertClose(mr[i], ma[i], 1e-7f, 1e-6f, $"Adam m n={n} i={i}");
                    AssertClose(vr[i], va[i], 1e-9f, 1e-6f, $"Adam v n={n} i={i}");
                    AssertClose(wr[i], wa[i], 1e-6f, 1e-5f, $"Adam w n={n} i={i} decay={decay}");
                }
            }
        }
    }

    private static void CheckStep(float[] w, float[] d, Action<float[], float[]> kernel, Action<float[], float[]> reference, int n)
    {
        float[] wk = (float[])w.Clone(), dk = (float[])d.Clone(), wr = (float[])w.Clone(), dr = (float[])d.Clone();
        kernel(wk, dk);
        reference(wr, dr);
        for (int i = 0; i < n; i++)
        {
            AssertClose(dr[i], dk[i], 1e-7f, 1e-6f, $"delta n={n} i={i}");
            AssertClose(wr[i], wk[i], 1e-7f, 1e-6f, $"w n={n} i={i}");
        }
    }
}
