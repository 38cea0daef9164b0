using MlNet.Mlp.Kernels;
using Xunit;

namespace MlNet.Mlp.Tests.Kernels;

/// <summary>
/// The byte-code kernels against their scalar definitions in <see cref="KernelReference"/>, for every length 0–100 and
/// 784 (so every vector-block/tail split is hit), and the encoder's edges: what it must accept and turn away.
/// </summary>
public class QuantizedVectorTests
{
    public static TheoryData<int> Lengths => new(Enumerable.Range(0, 101).Append(784));

    private static (float[] Dense, byte[] Codes) RandomInputs(int length, int seed)
    {
        var random = new Random(seed);
        float[] dense = Enumerable.Range(0, length).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        byte[] codes = new byte[length];
        random.NextBytes(codes);
        return (dense, codes);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Dot_and_Dot2_match_the_reference_and_each_other(int length)
    {
        (float[] first, byte[] codes) = RandomInputs(length, seed: length);
        (float[] second, _) = RandomInputs(length, seed: length + 1000);
        float one = QuantizedVector.Dot(first, codes);
        double expected = KernelReference.QuantizedDot(first, codes);
        Assert.True(Math.Abs(one - expected) <= 1e-5 * (1 + length * 255.0), $"length {length}: {one} against {expected}");
        (float a, float b) = QuantizedVector.Dot2(first, second, codes);
        // Bit for bit: the learner scores a row with Dot or Dot2 depending on the pass, and the loss must not care.
        Assert.Equal(one, a);
        Assert.Equal(QuantizedVector.Dot(second, codes), b);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void MultiplyAddTo_matches_the_reference(int length)
    {
        (float[] dense, byte[] codes) = RandomInputs(length, seed: 7 * length);
        float[] expected = (float[])dense.Clone();
        KernelReference.QuantizedMultiplyAdd(codes, -0.037f, expected);
        QuantizedVector.MultiplyAddTo(codes, -0.037f, dense);
        for (int i = 0; i < length; i++)
            Assert.True(Math.Abs(expected[i] - dense[i]) <= 1e-6f * (1 + Math.Abs(expected[i])), $"length {length}, entry {i}: {dense[i]} against {expected[i]}");
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void MultiplyAddTo2_gives_the_bits_of_two_MultiplyAddTo_calls(int length)
    {
        (float[] first, byte[] codes) = RandomInputs(length, seed: 11 * length);
        (float[] second, _) = RandomInputs(length, seed: 11 * length + 1);
        float[] expectedFirst = (float[])first.Clone(), expectedSecond = (float[])second.Clone();
        // Bit for bit: the perceptron adds a row to its weights and to the averaged weights' sum with this, and its
        // tests compare the result with a learner that makes the two calls.
        QuantizedVector.MultiplyAddTo(codes, 0.29f, expectedFirst);
        QuantizedVector.MultiplyAddTo(codes, -123.5f, expectedSecond);
        QuantizedVector.MultiplyAddTo2(codes, 0.29f, first, -123.5f, second);
        Assert.Equal(expectedFirst, first);
        Assert.Equal(expectedSecond, second);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void TryEncode_matches_the_reference_on_pixels_scaled_every_usual_way(int length)
    {
        var random = new Random(length);
        byte[] pixels = new byte[length];
        random.NextBytes(pixels);
        float step = 1f / 255;
        // x / 255f and x * (1f / 255) differ in the last place for about half the grey levels: both must encode.
        foreach (float[] values in new[] { pixels.Select(p => p / 255f).ToArray(), pixels.Select(p => p * step).ToArray() })
        {
            byte[] codes = new byte[length], expected = new byte[length];
            Assert.True(KernelReference.QuantizedEncode(values, step, expected));
            Assert.True(QuantizedVector.TryEncode(values, step, codes));
            Assert.Equal(pixels, codes);
        }
        float[] counts = pixels.Select(p => (float)p).ToArray();
        byte[] countCodes = new byte[length];
        Assert.True(QuantizedVector.TryEncode(counts, 1f, countCodes));
        Assert.Equal(pixels, countCodes);
    }

    [Theory]
    [InlineData(-1f)]
    [InlineData(-0f)]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(256f)]
    [InlineData(1000f)]
    [InlineData(2.5f)]
    [InlineData(3.0001f)]
    [InlineData(-1e-30f)]
    public void TryEncode_turns_away_a_value_that_is_not_0_to_255_whole_steps_at_every_position(float bad)
    {
        foreach (int length in new[] { 1, 15, 16, 17, 33, 64, 100 })
        {
            for (int position = 0; position < length; position++)
            {
                float[] values = Enumerable.Range(0, length).Select(i => (float)(i % 256)).ToArray();
                values[position] = bad;
                Assert.False(KernelReference.QuantizedEncode(values, 1f, new byte[length]), $"reference, length {length}, position {position}");
                Assert.False(QuantizedVector.TryEncode(values, 1f, new byte[length]), $"length {length}, position {position}");
            }
        }
    }

    [Fact]
    public void TryEncode_accepts_exactly_what_the_reference_accepts_near_the_edges()
    {
        var random = new Random(11);
        float step = 0.1f;
        for (int trial = 0; trial < 2000; trial++)
        {
            int k = random.Next(0, 257);
            float value = k * step;
            // Nudged by 0–3 floats either way: 0 and 1 are within the contract, 2 and 3 are not.
            int nudge = random.Next(-3, 4);
            for (int n = 0; n < Math.Abs(nudge); n++)
                value = nudge > 0 ? MathF.BitIncrement(value) : MathF.BitDecrement(value);
            // Up to 149 values before it: the value lands in every loop of every width, the widest block (64) included.
            float[] values = [.. Enumerable.Repeat(0f, trial % 150), value];
            bool expected = KernelReference.QuantizedEncode(values, step, new byte[values.Length]);
            Assert.Equal(expected, QuantizedVector.TryEncode(values, step, new byte[values.Length]));
        }
    }

    [Fact]
    public void TryEncode_rejects_a_step_that_is_not_positive_and_finite()
    {
        foreach (float step in new[] { 0f, -1f, float.NaN, float.PositiveInfinity })
            Assert.Throws<ArgumentOutOfRangeException>(() => QuantizedVector.TryEncode([1f], step, new byte[1]));
    }
}
