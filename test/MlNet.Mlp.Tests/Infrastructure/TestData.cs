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
