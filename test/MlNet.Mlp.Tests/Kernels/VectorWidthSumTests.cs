using System.Runtime.Intrinsics;
using MlNet.Mlp.Kernels;
using Xunit;

namespace MlNet.Mlp.Tests.Kernels;

/// <summary>
/// The widths' lane sums are written out for speed but must add in the runtime's order, so that replacing
/// Vector512.Sum and Vector256.Sum changed no result: dot products, softmax rows and the finite-value check reduce
/// through them. On hardware without the width, the width falls back to the runtime's sum.
/// </summary>
public class VectorWidthSumTests
{
    public static TheoryData<int> Seeds => new() { 1, 2, 3, 4, 5 };

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Width512_sums_the_lanes_with_the_bits_of_Vector512_Sum(int seed)
    {
        float[] values = LanesOfMixedMagnitude(seed, Vector512<float>.Count);
        var x = Vector512.Create(values);
        Assert.Equal(BitConverter.SingleToInt32Bits(Vector512.Sum(x)), BitConverter.SingleToInt32Bits(Width512.Sum(x)));
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Width256_sums_the_lanes_with_the_bits_of_Vector256_Sum(int seed)
    {
        float[] values = LanesOfMixedMagnitude(seed, Vector256<float>.Count);
        var x = Vector256.Create(values);
        Assert.Equal(BitConverter.SingleToInt32Bits(Vector256.Sum(x)), BitConverter.SingleToInt32Bits(Width256.Sum(x)));
    }

    // Values spread over many binades, so that almost any change of order changes the rounded sum.
    private static float[] LanesOfMixedMagnitude(int seed, int count)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count)
            .Select(_ => (float)((random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-3, 8))))
            .ToArray();
    }
}
