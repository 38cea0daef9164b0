using System.IO.Compression;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNet.Mlp.Tests.Infrastructure;

/// <summary>The small data sets shipped in data/ (see data/README.md for their origin).</summary>
internal static class TestData
{
    public static string PathOf(string fileName) => Path.Combine(AppContext.BaseDirectory, "data", fileName);

    /// <summary>Breast cancer: Boolean Label (true = benign) and 30 raw features in one "Features" vector.</summary>
    public static IDataView BreastCancer(MLContext mlContext) =>
        mlContext.Data.LoadFromTextFile(PathOf("breast_cancer.csv"), new TextLoader.Options
        {
            Separators = [','],
            HasHeader = true,
            Columns =
            [
                new TextLoader.Column("Features", DataKind.Single, 0, 29),
                new TextLoader.Column("Label", DataKind.Boolean, 30),
            ],
        });

    public sealed class DigitRow
    {
        [VectorType(64)]
        public float[] Features { get; set; } = [];

        /// <summary>The digit 0–9 as a number; map it to a key with MapValueToKey.</summary>
        public float Digit { get; set; }
    }

    public sealed class DiabetesRow
    {
        [VectorType(10)]
        public float[] Features { get; set; } = [];

        public float Label { get; set; }
    }

    /// <summary>Digits (1,797 rows): 64 pixel features and the digit as a Single "Digit" column.</summary>
    public static IDataView Digits(MLContext mlContext) =>
        mlContext.Data.LoadFromEnumerable(GzipLines("digits.csv.gz").Select(line =>
        {
            float[] values = line.Split(',').Select(v => float.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            return new DigitRow { Features = values[..64], Digit = values[64] };
        }).ToList());

    /// <summary>Diabetes (442 rows): 10 raw features and the disease-progression target as a Single Label.</summary>
    public static IDataView Diabetes(MLContext mlContext)
    {
        var features = GzipLines("diabetes_data_raw.csv.gz").Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(v => float.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray());
        var targets = GzipLines("diabetes_target.csv.gz").Select(v => float.Parse(v, System.Globalization.CultureInfo.InvariantCulture));
        return mlContext.Data.LoadFromEnumerable(features.Zip(targets, (x, y) => new DiabetesRow { Features = x, Label = y }).ToList());
    }

    private static List<string> GzipLines(string fileName)
    {
        using var reader = new StreamReader(new GZipStream(File.OpenRead(PathOf(fileName)), CompressionMode.Decompress));
        var lines = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Trim().Length > 0)
                lines.Add(line.Trim());
        }
        return lines;
    }

    public sealed class BinaryRow
    {
        public bool Label { get; set; }

        [VectorType(2)]
        public float[] Features { get; set; } = [];

        public float Weight { get; set; } = 1f;
    }

    public static IDataView FromRows(MLContext mlContext, IEnumerable<(float X1, float X2, bool Label)> rows) =>
        mlContext.Data.LoadFromEnumerable(rows.Select(r => new BinaryRow { Features = [r.X1, r.X2], Label = r.Label }).ToList());

    public static IDataView Xor(MLContext mlContext) =>
        FromRows(mlContext, [(0, 0, false), (0, 1, true), (1, 0, true), (1, 1, false)]);

    /// <summary>Two Gaussian blobs around (−2, −2) and (2, 2): linearly separable with a wide margin.</summary>
    public static IDataView SeparableBlobs(MLContext mlContext, int rowsPerClass, int seed)
    {
        var random = new Random(seed);
        float Noise() => (float)(random.NextDouble() - 0.5);
        var rows = new List<(float, float, bool)>();
        for (int i = 0; i < rowsPerClass; i++)
        {
            rows.Add((2 + Noise(), 2 + Noise(), true));
            rows.Add((-2 + Noise(), -2 + Noise(), false));
        }
        return FromRows(mlContext, rows);
    }

    public static float[] Column(IDataView data, string name) =>
        data.GetColumn<float>(data.Schema[name]).ToArray();

    public static bool[] BoolColumn(IDataView data, string name) =>
        data.GetColumn<bool>(data.Schema[name]).ToArray();
}
