namespace MlNet.Mlp.Benchmarks.Fashion;

/// <summary>One split of Fashion-MNIST: 28×28 grey-level images and their class (0 = T-shirt/top … 9 = ankle boot).</summary>
public sealed class FashionMnist
{
    public const int PixelCount = 28 * 28;
    public const int ClassCount = 10;

    private FashionMnist(byte[] pixels, byte[] labels)
    {
        Pixels = pixels;
        Labels = labels;
    }

    /// <summary>RowCount × <see cref="PixelCount"/> grey levels, 0…255, row-major.</summary>
    public byte[] Pixels { get; }

    public byte[] Labels { get; }

    public int RowCount => Labels.Length;

    /// <summary>The directory Debian's dataset-fashion-mnist installs to.</summary>
    public const string DefaultDirectory = "/usr/share/datasets/fashion-mnist";

    /// <summary>Reads the "train" or "t10k" split of <paramref name="directory"/>.</summary>
    public static FashionMnist Read(string directory, string split)
    {
        IdxFile images = IdxFile.Read(Path.Combine(directory, $"{split}-images-idx3-ubyte"));
        IdxFile labels = IdxFile.Read(Path.Combine(directory, $"{split}-labels-idx1-ubyte"));
        if (images.Dimensions is not [var rows, 28, 28] || labels.Dimensions is not [var labelRows] || rows != labelRows)
            throw new InvalidDataException($"{split} in {directory}: images [{string.Join(",", images.Dimensions)}] do not match labels [{string.Join(",", labels.Dimensions)}].");
        return new FashionMnist(images.Values, labels.Values);
    }
}
