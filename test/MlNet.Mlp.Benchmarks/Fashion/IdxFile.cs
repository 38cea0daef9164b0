using System.Buffers.Binary;
using System.IO.Compression;

namespace MlNet.Mlp.Benchmarks.Fashion;

/// <summary>One IDX file (the MNIST format) of unsigned bytes: its dimensions and its values, read whole.</summary>
public sealed class IdxFile
{
    private IdxFile(int[] dimensions, byte[] values)
    {
        Dimensions = dimensions;
        Values = values;
    }

    /// <summary>e.g. [60000, 28, 28] for the training images, [60000] for their labels.</summary>
    public int[] Dimensions { get; }

    /// <summary>The values, row-major: kept as bytes, a quarter of a float copy.</summary>
    public byte[] Values { get; }

    /// <summary>Reads <paramref name="path"/>, or <paramref name="path"/>.gz as Debian's dataset package ships it.</summary>
    public static IdxFile Read(string path)
    {
        string existing = File.Exists(path) ? path : path + ".gz";
        using Stream file = File.OpenRead(existing);
        using Stream stream = existing.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(file, CompressionMode.Decompress) : file;
        Span<byte> magic = stackalloc byte[4];
        stream.ReadExactly(magic);
        const byte UnsignedByteType = 0x08;
        if (magic[0] != 0 || magic[1] != 0 || magic[2] != UnsignedByteType)
            throw new InvalidDataException($"{existing} is not an IDX file of unsigned bytes.");
        var dimensions = new int[magic[3]];
        Span<byte> size = stackalloc byte[4];
        for (int i = 0; i < dimensions.Length; i++)
        {
            stream.ReadExactly(size);
            dimensions[i] = BinaryPrimitives.ReadInt32BigEndian(size);
        }
        var values = new byte[dimensions.Aggregate(1L, (product, d) => product * d)];
        stream.ReadExactly(values);
        return new IdxFile(dimensions, values);
    }
}
