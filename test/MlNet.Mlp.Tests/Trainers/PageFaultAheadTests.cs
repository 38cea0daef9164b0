using MlNet.Mlp.Trainers;
using Xunit;

namespace MlNet.Mlp.Tests.Trainers;

public class PageFaultAheadTests
{
    [Fact]
    public void Rows_written_while_pages_are_mapped_ahead_keep_their_values()
    {
        // 40 MB and an odd length: whole chunks, a short last chunk and partial pages at both ends.
        var values = new float[10_000_003];
        Task mapping = PageFaultAhead.Start(values);
        for (int i = 0; i < values.Length; i++)
            values[i] = i + 0.5f;
        mapping.Wait();
        for (int i = 0; i < values.Length; i++)
        {
            if (values[i] != i + 0.5f)
                Assert.Fail($"values[{i}] is {values[i]}, written as {i + 0.5f}.");
        }
    }

    [Fact]
    public void Values_written_before_mapping_starts_are_kept()
    {
        var codes = new byte[24 << 20];
        for (int i = 0; i < codes.Length; i += 4096)
            codes[i] = (byte)(i / 4096 % 251 + 1);
        PageFaultAhead.Start(codes).Wait();
        for (int i = 0; i < codes.Length; i += 4096)
            Assert.Equal((byte)(i / 4096 % 251 + 1), codes[i]);
    }

    [Fact]
    public void A_small_array_starts_nothing()
    {
        var values = new float[1000];
        Assert.Same(Task.CompletedTask, PageFaultAhead.Start(values));
    }

    [Fact]
    public void The_length_asked_for_decides_whether_to_start_and_no_value_changes()
    {
        // A pooled array is longer than the rows it holds: only those rows count, here 1 MiB of a 32 MiB array.
        var codes = new byte[32 << 20];
        Assert.Same(Task.CompletedTask, PageFaultAhead.Start(codes, 1 << 20));
        PageFaultAhead.Start(codes, 9 << 20).Wait();
        Assert.All(new[] { 0, (9 << 20) - 1, 9 << 20, codes.Length - 1 }, i => Assert.Equal(0, codes[i]));
    }
}

public class PooledCodesTests
{
    [Fact]
    public void Small_arrays_come_from_the_pool_and_large_ones_are_their_own_exact_size()
    {
        byte[] small = PooledCodes.Rent(10_000);
        Assert.True(small.Length >= 10_000);
        PooledCodes.Return(small);

        byte[] large = PooledCodes.Rent(PooledCodes.MaxPooledBytes + 1);
        // The pool would round up to the next power of two (128 MiB).
        Assert.Equal(PooledCodes.MaxPooledBytes + 1, large.Length);
        PooledCodes.Return(large);
        Assert.NotSame(large, PooledCodes.Rent(PooledCodes.MaxPooledBytes + 1));
    }
}
