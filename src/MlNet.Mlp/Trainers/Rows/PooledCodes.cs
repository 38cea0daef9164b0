using System.Buffers;

namespace MlNet.Mlp.Trainers;

/// <summary>
/// Arrays for a training set's byte codes (<see cref="QuantizedRowSink"/>), reused from one Fit to the next where they
/// are small enough. A fresh array is fresh memory, and first writing it costs a page fault per 4 KiB: 2,300 for the
/// Fashion-MNIST pair's 9.4 MB, every Fit of a cross-validation. Arrays come from <see cref="ArrayPool{T}.Shared"/>,
/// which keeps one only while the process keeps using it, and are not zeroed: the sink writes every row it keeps.
/// </summary>
internal static class PooledCodes
{
    /// <summary>
    /// The largest array that goes back to the pool, which may hold it after the Fit: up to this much memory stays
    /// with the process. Larger sets get an array of their own, as before.
    /// </summary>
    public const int MaxPooledBytes = 64 << 20;

    /// <summary>An array of at least <paramref name="length"/> bytes, of unspecified contents.</summary>
    public static byte[] Rent(int length) =>
        length <= MaxPooledBytes ? ArrayPool<byte>.Shared.Rent(length) : GC.AllocateUninitializedArray<byte>(length);

    /// <summary>Gives back an array from <see cref="Rent"/>, which must no longer be used.</summary>
    public static void Return(byte[] codes)
    {
        if (codes.Length <= MaxPooledBytes)
            ArrayPool<byte>.Shared.Return(codes);
    }
}
