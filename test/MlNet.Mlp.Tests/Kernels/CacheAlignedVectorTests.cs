using System.Runtime.InteropServices;
using MlNet.Mlp.Kernels;
using Xunit;

namespace MlNet.Mlp.Tests.Kernels;

public class CacheAlignedVectorTests
{
    [Fact]
    public void Every_vector_starts_a_cache_line_holds_its_length_in_zeros_and_keeps_its_place_through_collections()
    {
        // Many sizes allocated back to back land at every offset a managed array can start at.
        var vectors = Enumerable.Range(1, 200).Select(length => new CacheAlignedVector(length)).ToList();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        for (int i = 0; i < vectors.Count; i++)
        {
            Span<float> values = vectors[i].Span;
            Assert.Equal(i + 1, values.Length);
            Assert.Equal(0, AddressOf(values) % 64);
            Assert.All(values.ToArray(), value => Assert.Equal(0f, value));
            values.Fill(i);
        }
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        for (int i = 0; i < vectors.Count; i++)
        {
            Assert.Equal(0, AddressOf(vectors[i].Span) % 64);
            Assert.All(vectors[i].Span.ToArray(), value => Assert.Equal(i, value));
        }
    }

    [Fact]
    public void An_empty_vector_is_allowed_and_a_negative_length_is_not()
    {
        Assert.Equal(0, new CacheAlignedVector(0).Span.Length);
        Assert.Throws<ArgumentOutOfRangeException>(() => new CacheAlignedVector(-1));
    }

    private static unsafe long AddressOf(Span<float> values)
    {
        fixed (float* start = &MemoryMarshal.GetReference(values))
            return (long)start;
    }
}
