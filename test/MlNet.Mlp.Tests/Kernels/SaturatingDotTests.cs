using MlNet.Mlp.Kernels;
using Xunit;

namespace MlNet.Mlp.Tests.Kernels;

/// <summary>The overflow fallback of one-row scoring: exact where floats overflow, saturated beyond float's range.</summary>
public class SaturatingDotTests
{
    private const float Huge = 3e38f;

    [Fact]
    public void Products_that_overflow_float_but_cancel_give_the_finite_double_precision_sum()
    {
        // In float the first product is +∞ and the second −∞: their sum is NaN. In double they cancel exactly.
        float[] weights = [Huge, Huge, 0.5f];
        float[] x = [Huge, -Huge, 4f];
        Assert.True(float.IsNaN(weights[0] * x[0] + weights[1] * x[1]));
        Assert.Equal(2f, SaturatingDot.Dense(weights, x, bias: 0f));
        Assert.Equal(2f, SaturatingDot.Sparse(weights, [0, 1, 2], x, bias: 0f));
        // The same with byte codes: 3·10³⁸ is code 3 of a step of 10³⁸, and 4 is code 1 of a step of 4.
        Assert.Equal(2f, SaturatingDot.Quantized([Huge, -Huge, 0.5f], [3, 3, 0], 1e38f, bias: 0f) + SaturatingDot.Quantized([0f, 0f, 0.5f], [0, 0, 1], 4f, bias: 0f));
    }

    [Fact]
    public void A_sum_beyond_float_range_saturates_at_float_MaxValue_with_its_sign()
    {
        float[] weights = [Huge, Huge];
        Assert.Equal(float.MaxValue, SaturatingDot.Dense(weights, [Huge, Huge], bias: 0f));
        Assert.Equal(-float.MaxValue, SaturatingDot.Dense(weights, [-Huge, -Huge], bias: 0f));
        Assert.Equal(float.MaxValue, SaturatingDot.Sparse(weights, [1], [Huge], bias: Huge));
        Assert.Equal(-float.MaxValue, SaturatingDot.Saturate(double.NegativeInfinity));
        Assert.Equal(float.MaxValue, SaturatingDot.Quantized(weights, [255, 255], 1e37f, bias: 0f));
        Assert.Equal(-float.MaxValue, SaturatingDot.Quantized([-Huge, -Huge], [255, 255], 1e37f, bias: 0f));
    }

    [Fact]
    public void NaN_input_stays_NaN()
    {
        Assert.True(float.IsNaN(SaturatingDot.Dense([1f, 2f], [float.NaN, 1f], bias: 0f)));
        Assert.True(float.IsNaN(SaturatingDot.Saturate(double.NaN)));
    }

    [Fact]
    public void Ordinary_values_give_the_double_precision_dot_product_rounded_once()
    {
        var random = new Random(3);
        float[] weights = Enumerable.Range(0, 37).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        float[] x = Enumerable.Range(0, 37).Select(_ => (float)random.NextDouble() * 10).ToArray();
        double expected = 0.25;
        for (int i = 0; i < x.Length; i++)
            expected += (double)weights[i] * x[i];
        Assert.Equal((float)expected, SaturatingDot.Dense(weights, x, bias: 0.25f));
        Assert.Equal((float)expected, SaturatingDot.Sparse(weights, [.. Enumerable.Range(0, 37)], x, bias: 0.25f));

        // Byte codes: each entry decoded to the float code·step, then summed as the dense one is.
        byte[] codes = Enumerable.Range(0, 37).Select(_ => (byte)random.Next(256)).ToArray();
        const float step = 1f / 255;
        float[] decoded = codes.Select(code => code * step).ToArray();
        Assert.Equal(SaturatingDot.Dense(weights, decoded, bias: 0.25f), SaturatingDot.Quantized(weights, codes, step, bias: 0.25f));
    }

    [Fact]
    public void Spans_of_different_lengths_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => SaturatingDot.Dense([1f, 2f], [1f], bias: 0f));
        Assert.Throws<ArgumentException>(() => SaturatingDot.Quantized([1f, 2f], [1], 1f, bias: 0f));
    }
}
