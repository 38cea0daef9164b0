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
}
