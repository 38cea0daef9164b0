using MlNet.Mlp.Kernels;
using Xunit;

namespace MlNet.Mlp.Tests.Kernels;

public class FiniteValuesTests
{
    public static TheoryData<float> NonFinite => new() { float.NaN, float.PositiveInfinity, float.NegativeInfinity };

    [Theory]
    [MemberData(nameof(NonFinite))]
    public void The_first_non_finite_value_is_found_wherever_it_is(float bad)
    {
        var random = new Random(3);
        foreach (int length in new[] { 1, 7, 16, 33, 4095, 4096, 4097, 10_000 })
        {
            float[] values = Enumerable.Range(0, length).Select(_ => (float)(random.NextDouble() * 2e30 - 1e30)).ToArray();
            Assert.True(FiniteValues.AllFinite(values));
            Assert.Equal(-1, FiniteValues.IndexOfNonFinite(values));
            foreach (int position in new[] { 0, length / 2, length - 1 })
            {
                float[] copy = values.ToArray();
                copy[position] = bad;
                if (position < length - 1)
                    copy[^1] = bad;
                Assert.False(FiniteValues.AllFinite(copy));
                Assert.Equal(position, FiniteValues.IndexOfNonFinite(copy));
            }
        }
    }

    [Fact]
    public void The_largest_finite_values_are_finite() =>
        Assert.True(FiniteValues.AllFinite([float.MaxValue, -float.MaxValue, float.Epsilon, -0f, 0f]));
}
