using System.Buffers.Binary;
using System.IO.Compression;

namespace MlNet.Mlp.Samples;

/// <summary>
/// Reads the IDX format of MNIST and Fashion-MNIST (big-endian header: magic 0x0000 08 NN, where 08 is "unsigned
/// byte" and NN the number of dimensions, then one 32-bit size per dimension, then the bytes), gzipped or not.
/// </summary>
internal static class IdxFile
{
    /// <summary>Finds <paramref name="name"/> or <paramref name="name"/>.gz in <paramref name="directory"/>; null when neither exists.</summary>
    public static string? Find(string directory, string name) =>
        new[] { Path.Combine(directory, name), Path.Combine(directory, name + ".gz") }.FirstOrDefault(File.Exists);

    /// <summary>Returns the sizes of each dimension and the raw bytes.</summary>
    public static (int[] Dimensions, byte[] Data) Read(string path)
    {
        using Stream file = File.OpenRead(path);
        using Stream stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionMode.Decompress) : file;
        Span<byte> header = stackalloc byte[4];
        stream.ReadExactly(header);
        if (header[0] != 0 || header[1] != 0 || header[2] != 0x08 || header[3] is 0 or > 4)
            throw new InvalidDataException($"{path} is not an IDX file of unsigned bytes (header {Convert.ToHexString(header)}).");

        var dimensions = new int[header[3]];
        for (int i = 0; i < dimensions.Length; i++)
        {
            stream.ReadExactly(header);
            dimensions[i] = BinaryPrimitives.ReadInt32BigEndian(header);
        }
        var data = new byte[dimensions.Aggregate(1L, (product, size) => product * size)];
        stream.ReadExactly(data);
        return (dimensions, data);
    }
}
