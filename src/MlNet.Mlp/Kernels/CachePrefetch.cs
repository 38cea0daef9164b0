using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace MlNet.Mlp.Kernels;

/// <summary>
/// Software prefetch for rows visited in shuffled order: the hardware prefetchers follow a row once it is being
/// read, but cannot guess where the next row starts, so every row would begin with a run of cache misses.
/// </summary>
internal static class CachePrefetch
{
    private const int CacheLineBytes = 64;

    /// <summary>Asks for every cache line of <paramref name="values"/> to be brought into all cache levels.</summary>
    public static unsafe void Lines<T>(ReadOnlySpan<T> values) where T : unmanaged
    {
        if (!Sse.IsSupported)
            return;
        ReadOnlySpan<byte> bytes = MemoryMarshal.AsBytes(values);
        fixed (byte* start = bytes)
        {
            for (int i = 0; i < bytes.Length; i += CacheLineBytes)
                Sse.Prefetch0(start + i);
        }
    }
}
