using System.Runtime.CompilerServices;

namespace MlNet.Mlp.Kernels;

/// <summary>
/// Per-thread scratch memory for packed panels, reused across calls so the hot path does not allocate.
/// </summary>
/// <remarks>
/// One pinned array per thread (thread-static, so concurrent tasks never share one and it dies with its thread),
/// grown on demand to the largest request seen. Pinned so raw pointers stay valid; each region is rounded to
/// 64-byte alignment so that vector loads from packed panels never straddle a cache line.
/// </remarks>
internal static unsafe class GemmPackBuffers
{
    private const int AlignmentFloats = 16;

    [ThreadStatic]
    private static float[]? buffer;

    /// <summary>
    /// Returns 64-byte-aligned room for at least <paramref name="floats"/> floats, valid until this thread asks
    /// again.
    /// </summary>
    public static float* Rent(int floats)
    {
        float[]? array = buffer;
        if (array is null || array.Length < floats + AlignmentFloats)
        {
            array = GC.AllocateUninitializedArray<float>(floats + AlignmentFloats, pinned: true);
            buffer = array;
        }
        float* start = (float*)Unsafe.AsPointer(ref array[0]);
        return (float*)(((nint)start + 63) & ~(nint)63);
    }

    /// <summary>Rounds a float count up to a multiple of 64 bytes, to keep the next region aligned.</summary>
    public static int RoundUpToAlignment(int floats) => (floats + AlignmentFloats - 1) & ~(AlignmentFloats - 1);
}
