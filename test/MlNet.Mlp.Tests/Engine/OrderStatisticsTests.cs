using System.Runtime.InteropServices;
using MlNet.Mlp.Engine;
using Xunit;

namespace MlNet.Mlp.Tests.Engine;

public class OrderStatisticsTests
{
    public static TheoryData<string> Samples => new() { "continuous", "pixels", "constant", "signed with zeros", "wide range" };

    private static float[] Sample(string kind, Random random, int n) => kind switch
    {
        "continuous" => Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray(),
        // Mostly zeros and few distinct values: every rank inside one long run of ties.
        "pixels" => Enumerable.Range(0, n).Select(_ => random.Next(3) == 0 ? random.Next(256) / 255f : 0f).ToArray(),
        "constant" => Enumerable.Repeat(7.5f, n).ToArray(),
        "signed with zeros" => Enumerable.Range(0, n).Select(_ => random.Next(4) switch { 0 => 0f, 1 => -3f, 2 => 2.5f, _ => -1e-30f }).ToArray(),
        _ => Enumerable.Range(0, n).Select(_ => (float)((random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-30, 30)))).ToArray(),
    };

    [Theory]
    [MemberData(nameof(Samples))]
    public void EveryRankHoldsTheValueSortingWouldPutThere(string kind)
    {
        var random = new Random(11);
        var selection = new OrderStatistics(); // one for every sample, as robust scaling uses one for every column
        foreach (int n in new[] { 1, 2, 7, 100, 1001 })
        {
            float[] values = Sample(kind, random, n);
            float[] sorted = values.Order().ToArray();
            float[] keys = values.ToArray();
            (uint min, uint max) = OrderStatistics.ToKeys(keys);
            Assert.Equal(sorted[0], OrderStatistics.FromKey(min));
            Assert.Equal(sorted[^1], OrderStatistics.FromKey(max));
            // All ranks in one call: counts are reused from one rank to the next where the leading digits agree.
            int[] ranks = Enumerable.Range(0, n).ToArray();
            var selectedKeys = new uint[n];
            selection.Select(MemoryMarshal.Cast<float, uint>(keys), ranks, selectedKeys);
            for (int rank = 0; rank < n; rank++)
            {
                float selected = OrderStatistics.FromKey(selectedKeys[rank]);
                Assert.True(selected == sorted[rank], $"{kind}, n={n}, rank {rank}: expected {sorted[rank]}, got {selected}.");
            }
        }
    }

    [Fact]
    public void KeysOrderValuesAsLessThanDoesAndDecodeExactly()
    {
        float[] values = [float.MinValue, -1e10f, -1f, -float.Epsilon, -0f, 0f, float.Epsilon, 1f, 3.5f, float.MaxValue];
        float[] keys = values.ToArray();
        OrderStatistics.ToKeys(keys);
        uint[] asKeys = MemoryMarshal.Cast<float, uint>(keys).ToArray();
        for (int i = 1; i < asKeys.Length; i++)
            Assert.True(asKeys[i - 1] < asKeys[i], $"key of {values[i - 1]} is not below key of {values[i]}");
        for (int i = 0; i < values.Length; i++)
            Assert.Equal(BitConverter.SingleToUInt32Bits(values[i]), BitConverter.SingleToUInt32Bits(OrderStatistics.FromKey(asKeys[i])));
    }

    [Fact]
    public void ARankOutsideTheSampleIsRejected()
    {
        var selection = new OrderStatistics();
        Assert.Throws<ArgumentOutOfRangeException>(() => selection.Select(new uint[3], [3], new uint[1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => selection.Select(new uint[3], [-1], new uint[1]));
    }
}
