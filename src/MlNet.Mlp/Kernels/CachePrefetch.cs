using System.Runtime.Intrinsics.X86;

namespace MlNet.Mlp.Kernels;

/// <summary>
/// Software prefetch for rows visited in shuffled order: the hardware prefetchers follow a row once it is being
/// read, but cannot guess where the next row starts, so every row would begin with a run of cache misses.
/// </summary>
internal static class CachePrefetch
{
    private const int CacheLineFloats = 64 / sizeof(float);

    /// <summary>Asks for every cache line of <paramref name="values"/> to be brought into all cache levels.</summary>
    public static unsafe void Lines(ReadOnlySpan<float> values)
    {
        if (!Sse.IsSupported)
            return;
        fixed (float* start = values)
        {
            for (int i = 0; i < values.Length; i += CacheLineFloats)
                Sse.Prefetch0(start + i);
        }
    }
}
