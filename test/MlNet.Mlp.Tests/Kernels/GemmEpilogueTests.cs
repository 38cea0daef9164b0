using MlNet.Mlp.Kernels;
using Xunit;

namespace MlNet.Mlp.Tests.Kernels;

/// <summary>
/// A product with an epilogue gives exactly (bit for bit) the product followed by the same elementwise step as a
/// separate pass, for every kernel, on shapes with edge tiles in both directions and two depth blocks, on 1 and 2
/// threads: the epilogue must run once per element, after the last depth block, wherever the tile falls. The tall
/// shape is split across rows and the tiles finish in C; the wide one across columns, where each rectangle sums and
/// finishes in a private buffer (GemmRectangleTarget).
/// </summary>
public unsafe class GemmEpilogueTests
{
    public static TheoryData<string, string, int, bool> Cases()
    {
        var data = new TheoryData<string, string, int, bool>();
        foreach (string kernel in new[] { nameof(MicroKernel512), nameof(MicroKernel512Narrow), nameof(MicroKernel256Wide), nameof(MicroKernel256), nameof(MicroKernel128), nameof(MicroKernelScalar) })
        {
            foreach (string epilogue in new[] { "bias+identity", "bias+relu", "bias+hardtanh", "scaled add", "relu backward", "sigmoid backward", "tanh backward" })
            {
                foreach (int threads in new[] { 1, 2 })
                {
                    data.Add(kernel, epilogue, threads, false);
                    data.Add(kernel, epilogue, threads, true);
                }
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void An_epilogue_gives_the_bits_of_the_product_followed_by_a_separate_pass(string kernel, string epilogue, int threads, bool wide)
    {
        // 130×70 (or 70×130) with k = 300: edge tiles for every kernel's tile sizes, two depth blocks, and big enough
        // to split.
        (int m, int n) = Shape(wide);
        const int k = Depth;
        var random = new Random(17);
        float[] a = Values(random, m * k, 1f), b = Values(random, k * n, 1f);
        float[] bias = Values(random, n, 2f), side = Values(random, m * n, 1.5f);

        float[] expected = new float[m * n];
        Multiply(kernel, a, b, expected, new NoEpilogue(), threads: 1);
        SeparatePass(epilogue, expected, bias, side, m, n);

        float[] actual = new float[m * n];
        fixed (float* biasPointer = bias)
        fixed (float* sidePointer = side)
        {
            switch (epilogue)
            {
                case "bias+identity":
                    Multiply(kernel, a, b, actual, new BiasActivationEpilogue<IdentityOperator>(biasPointer), threads);
                    break;
                case "bias+relu":
                    Multiply(kernel, a, b, actual, new BiasActivationEpilogue<ReluOperator>(biasPointer), threads);
                    break;
                case "bias+hardtanh":
                    Multiply(kernel, a, b, actual, new BiasActivationEpilogue<HardTanhOperator>(biasPointer), threads);
                    break;
                case "scaled add":
                    Multiply(kernel, a, b, actual, new ScaledAddEpilogue(sidePointer, n, 0.25f), threads);
                    break;
                case "relu backward":
                    Multiply(kernel, a, b, actual, new ActivationBackwardEpilogue<ReluBackwardOperator>(sidePointer, n), threads);
                    break;
                case "sigmoid backward":
                    Multiply(kernel, a, b, actual, new ActivationBackwardEpilogue<SigmoidBackwardOperator>(sidePointer, n), threads);
                    break;
                default:
                    Multiply(kernel, a, b, actual, new ActivationBackwardEpilogue<TanhBackwardOperator>(sidePointer, n), threads);
                    break;
            }
        }
        Assert.True(expected.AsSpan().SequenceEqual(actual), $"{kernel}, {epilogue}, {threads} thread(s), {m}×{n}: differs from the separate pass");
    }

    public static TheoryData<string, string, float, int, bool> UpdateCases()
    {
        var data = new TheoryData<string, string, float, int, bool>();
        foreach (string kernel in new[] { nameof(MicroKernel512), nameof(MicroKernel256Wide), nameof(MicroKernel256), nameof(MicroKernel128), nameof(MicroKernelScalar) })
        {
            foreach (string rule in new[] { "momentum", "nesterov", "adam", "adamw" })
            {
                foreach (float l2 in new[] { 0f, 1e-3f })
                {
                    foreach (int threads in new[] { 1, 2 })
                    {
                        data.Add(kernel, rule, l2, threads, false);
                        data.Add(kernel, rule, l2, threads, true);
                    }
                }
            }
        }
        return data;
    }

    /// <summary>
    /// The optimiser's step in a weight gradient's epilogue leaves the gradient, the weights and the optimiser state
    /// with the bits of the product with λW in its epilogue followed by the optimiser's own pass over every weight.
    /// </summary>
    [Theory]
    [MemberData(nameof(UpdateCases))]
    public void An_update_epilogue_gives_the_bits_of_the_gradient_followed_by_the_optimiser_pass(string kernel, string rule, float l2, int threads, bool wide)
    {
        (int m, int n) = Shape(wide);
        const int k = Depth;
        var random = new Random(23);
        float[] a = Values(random, m * k, 1f), b = Values(random, k * n, 1f);
        float[] weights = Values(random, m * n, 1f), first = Values(random, m * n, 0.1f), second = Values(random, m * n, 0.01f);
        for (int i = 0; i < second.Length; i++)
            second[i] = MathF.Abs(second[i]);
        var momentum = new MomentumOperator(0.05f, 0.9f);
        var nesterov = new NesterovOperator(0.05f, 0.9f);
        var adam = new AdamOperator(0.01f, 0.9f, 0.999f, 1.5f, 1e-8f, rule == "adamw" ? 0.999f : 1f);

        float[] initialWeights = (float[])weights.Clone();
        float[] expectedGradient = new float[m * n], expectedWeights = (float[])weights.Clone();
        float[] expectedFirst = (float[])first.Clone(), expectedSecond = (float[])second.Clone();
        fixed (float* w = expectedWeights)
        {
            if (l2 > 0)
                Multiply(kernel, a, b, expectedGradient, new ScaledAddEpilogue(w, n, l2), threads: 1);
            else
                Multiply(kernel, a, b, expectedGradient, new NoEpilogue(), threads: 1);
        }
        if (rule == "momentum")
            ElementwiseLoops.Update(momentum, expectedWeights, expectedGradient, expectedFirst);
        else if (rule == "nesterov")
            ElementwiseLoops.Update(nesterov, expectedWeights, expectedGradient, expectedFirst);
        else
            ElementwiseLoops.Update(adam, expectedWeights, expectedGradient, expectedFirst, expectedSecond);

        float[] gradient = new float[m * n];
        fixed (float* w = weights)
        fixed (float* s = first)
        fixed (float* t = second)
        {
            if (rule == "momentum")
                Multiply(kernel, a, b, gradient, new ParameterUpdateEpilogue<OneStateStep<MomentumOperator>>(w, n, l2, new OneStateStep<MomentumOperator>(s, momentum)), threads);
            else if (rule == "nesterov")
                Multiply(kernel, a, b, gradient, new ParameterUpdateEpilogue<OneStateStep<NesterovOperator>>(w, n, l2, new OneStateStep<NesterovOperator>(s, nesterov)), threads);
            else
                Multiply(kernel, a, b, gradient, new ParameterUpdateEpilogue<TwoStateStep<AdamOperator>>(w, n, l2, new TwoStateStep<AdamOperator>(s, t, adam)), threads);
        }
        string label = $"{kernel}, {rule}, λ = {l2}, {threads} thread(s), {m}×{n}";
        Assert.True(expectedGradient.AsSpan().SequenceEqual(gradient), $"{label}: the gradient differs");
        Assert.True(expectedWeights.AsSpan().SequenceEqual(weights), $"{label}: the weights differ");
        Assert.True(expectedFirst.AsSpan().SequenceEqual(first), $"{label}: the first state differs");
        Assert.True(expectedSecond.AsSpan().SequenceEqual(second), $"{label}: the second state differs");
        Assert.False(initialWeights.AsSpan().SequenceEqual(weights), $"{label}: the weights were not updated");
    }

    [Fact]
    public void With_zero_depth_the_epilogue_still_finishes_the_zero_product()
    {
        float[] bias = [1f, -2f, 3f];
        float[] c = new float[2 * 3];
        fixed (float* biasPointer = bias)
            Gemm.Multiply(false, false, 2, 3, 0, [], 0, [], 3, c, 3, accumulate: false, new BiasActivationEpilogue<ReluOperator>(biasPointer), 1);
        Assert.Equal([1f, 0f, 3f, 1f, 0f, 3f], c);
    }

    private static void SeparatePass(string epilogue, float[] c, float[] bias, float[] side, int m, int n)
    {
        for (int i = 0; i < m; i++)
        {
            Span<float> row = c.AsSpan(i * n, n);
            ReadOnlySpan<float> sideRow = side.AsSpan(i * n, n);
            switch (epilogue)
            {
                case "bias+identity":
                    ElementwiseLoops.Map(new AddThenOperator<IdentityOperator>(), row, bias, row);
                    break;
                case "bias+relu":
                    ElementwiseLoops.Map(new AddThenOperator<IdentityOperator>(), row, bias, row);
                    Activations.Relu(row, row);
                    break;
                case "bias+hardtanh":
                    ElementwiseLoops.Map(new AddThenOperator<IdentityOperator>(), row, bias, row);
                    Activations.HardTanh(row, row);
                    break;
                case "scaled add":
                    ElementwiseLoops.Map(new MultiplyAddOperator(0.25f), sideRow, row, row);
                    break;
                case "relu backward":
                    Activations.ReluBackward(sideRow, row);
                    break;
                case "sigmoid backward":
                    Activations.SigmoidBackward(sideRow, row);
                    break;
                default:
                    Activations.TanhBackward(sideRow, row);
                    break;
            }
        }
    }

    /// <summary>Two depth blocks for every kernel.</summary>
    private const int Depth = 300;

    private static (int M, int N) Shape(bool wide) => wide ? (70, 130) : (130, 70);

    private static void Multiply<TEpilogue>(string kernel, float[] a, float[] b, float[] c, TEpilogue epilogue, int threads)
        where TEpilogue : struct, IGemmEpilogue
    {
        int m = a.Length / Depth, n = b.Length / Depth, k = Depth;
        switch (kernel)
        {
            case nameof(MicroKernel512):
                Gemm.Multiply<MicroKernel512, TEpilogue>(false, false, m, n, k, a, k, b, n, c, n, false, epilogue, threads);
                break;
            case nameof(MicroKernel512Narrow):
                Gemm.Multiply<MicroKernel512Narrow, TEpilogue>(false, false, m, n, k, a, k, b, n, c, n, false, epilogue, threads);
                break;
            case nameof(MicroKernel256Wide):
                Gemm.Multiply<MicroKernel256Wide, TEpilogue>(false, false, m, n, k, a, k, b, n, c, n, false, epilogue, threads);
                break;
            case nameof(MicroKernel256):
                Gemm.Multiply<MicroKernel256, TEpilogue>(false, false, m, n, k, a, k, b, n, c, n, false, epilogue, threads);
                break;
            case nameof(MicroKernel128):
                Gemm.Multiply<MicroKernel128, TEpilogue>(false, false, m, n, k, a, k, b, n, c, n, false, epilogue, threads);
                break;
            default:
                Gemm.Multiply<MicroKernelScalar, TEpilogue>(false, false, m, n, k, a, k, b, n, c, n, false, epilogue, threads);
                break;
        }
    }

    private static float[] Values(Random random, int length, float scale)
    {
        var values = new float[length];
        for (int i = 0; i < length; i++)
            values[i] = (float)((random.NextDouble() * 2 - 1) * scale);
        return values;
    }
}
