using System.Runtime.CompilerServices;

namespace MlNet.Mlp.Kernels;

/// <summary>
/// A float vector, zeroed, whose first entry starts a 64-byte cache line: for the vectors a kernel loads (and stores)
/// in every step of a loop, such as the weights of an online learner, which it reads once per example.
/// </summary>
/// <remarks>
/// A managed array starts 8 bytes past a multiple of 8, so nearly every 512-bit load from a <c>new float[]</c>
/// straddles two cache lines and costs two. In the perceptron's pass over the Fashion-MNIST pair, aligned weights took
/// 7% off a pass. The array sits on the pinned object heap, which never moves it, so the offset computed once stays
/// aligned; it costs at most 15 floats more than the vector.
/// </remarks>
internal sealed unsafe class CacheAlignedVector
{
    private const int LineFloats = 64 / sizeof(float);

    private readonly float[] _storage;
    private readonly int _offset;

    public CacheAlignedVector(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        _storage = GC.AllocateArray<float>(length + LineFloats - 1, pinned: true);
        nint address = (nint)Unsafe.AsPointer(ref _storage[0]);
        _offset = (int)(((64 - (address & 63)) & 63) / sizeof(float));
        Length = length;
    }

    public int Length { get; }

    /// <summary>The vector's entries.</summary>
    public Span<float> Span => _storage.AsSpan(_offset, Length);
}
