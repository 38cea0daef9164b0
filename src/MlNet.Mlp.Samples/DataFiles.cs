using System.Globalization;
using System.IO.Compression;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNet.Mlp.Samples;

/// <summary>The data sets shipped in the repository's data/ folder (copied next to the app at build time).</summary>
internal static class DataFiles
{
    public static string PathOf(string fileName) => Path.Combine(AppContext.BaseDirectory, "data", fileName);

    /// <summary>Breast cancer (569 rows): a Boolean Label (true = benign) and 30 features as one vector.</summary>
    public static IDataView LoadBreastCancer(MLContext mlContext) =>
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

    private sealed class DigitRow
    {
        [VectorType(64)]
        public float[] Features { get; set; } = [];

        public float Digit { get; set; }
    }

    private sealed class DiabetesRow
    {
        [VectorType(10)]
        public float[] Features { get; set; } = [];

        public float Label { get; set; }
    }

    /// <summary>Digits (1,797 rows of 8×8 images): 64 pixel features and the digit 0–9 in a Single "Digit" column.</summary>
    public static IDataView LoadDigits(MLContext mlContext) =>
        mlContext.Data.LoadFromEnumerable(GzipLines("digits.csv.gz").Select(line =>
        {
            float[] values = line.Split(',').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            return new DigitRow { Features = values[..64], Digit = values[64] };
        }).ToList());

    /// <summary>Diabetes (442 rows): 10 raw features and the disease progression one year later as the Label.</summary>
    public static IDataView LoadDiabetes(MLContext mlContext)
    {
        var features = GzipLines("diabetes_data_raw.csv.gz")
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray());
        var targets = GzipLines("diabetes_target.csv.gz").Select(v => float.Parse(v, CultureInfo.InvariantCulture));
        return mlContext.Data.LoadFromEnumerable(features.Zip(targets, (x, y) => new DiabetesRow { Features = x, Label = y }).ToList());
    }

    private sealed class LinnerudRow
    {
        [VectorType(3)]
        public float[] Features { get; set; } = [];

        [VectorType(3)]
        public float[] Label { get; set; } = [];
    }

    /// <summary>The Linnerud targets, in the order of the Label vector.</summary>
    public static readonly string[] LinnerudTargets = ["Weight", "Waist", "Pulse"];

    /// <summary>
    /// Linnerud (20 rows): Features are the exercise counts Chins, Situps, Jumps; Label is the vector Weight, Waist, Pulse.
    /// </summary>
    public static IDataView LoadLinnerud(MLContext mlContext)
    {
        static float[][] Read(string fileName) => File.ReadLines(PathOf(fileName)).Skip(1).Where(line => line.Trim().Length > 0)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray())
            .ToArray();
        float[][] exercise = Read("linnerud_exercise.csv"), physiological = Read("linnerud_physiological.csv");
        return mlContext.Data.LoadFromEnumerable(exercise.Zip(physiological, (x, y) => new LinnerudRow { Features = x, Label = y }).ToList());
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
}
