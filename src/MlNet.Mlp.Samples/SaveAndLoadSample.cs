using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNet.Mlp.Samples;

/// <summary>Train, save as .zip, load it back and predict single rows with a PredictionEngine.</summary>
internal static class SaveAndLoadSample
{
    private sealed class Patient
    {
        [VectorType(30)]
        public float[] Features { get; set; } = [];
    }

    private sealed class Diagnosis
    {
        public bool PredictedLabel { get; set; }
        public float Score { get; set; }
    }

    public static void Run()
    {
        Console.WriteLine("== 5. Save the model as .zip, load it back, predict ==");
        var mlContext = new MLContext(seed: 1);
        IDataView data = DataFiles.LoadBreastCancer(mlContext);
        var model = mlContext.Transforms.NormalizeMeanVariance("Features")
            .Append(mlContext.BinaryClassification.Trainers.Perceptron())
            .Fit(data);

        string path = Path.Combine(Path.GetTempPath(), "mlnet-mlp-perceptron.zip");
        mlContext.Model.Save(model, data.Schema, path);
        Console.WriteLine($"saved {path} ({new FileInfo(path).Length:N0} bytes)");

        ITransformer loaded = new MLContext().Model.Load(path, out _);
        var engine = mlContext.Model.CreatePredictionEngine<Patient, Diagnosis>(loaded);
        var rows = mlContext.Data.CreateEnumerable<Row>(data, reuseRowObject: false).Take(5);
        foreach (Row row in rows)
        {
            Diagnosis prediction = engine.Predict(new Patient { Features = row.Features });
            Console.WriteLine($"actual {(row.Label ? "benign   " : "malignant")}  predicted {(prediction.PredictedLabel ? "benign   " : "malignant")}  score {prediction.Score,8:F3}");
        }
        Console.WriteLine();
    }

    private sealed class Row
    {
        public bool Label { get; set; }

        [VectorType(30)]
        public float[] Features { get; set; } = [];
    }
}
