using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNet.Mlp.Samples;

/// <summary>Saves a trained pipeline as .zip, loads it back and predicts single rows with a PredictionEngine.</summary>
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
        public float Probability { get; set; }
    }

    private sealed class LabelledPatient
    {
        public bool Label { get; set; }

        [VectorType(30)]
        public float[] Features { get; set; } = [];
    }

    public static void Run(MLContext mlContext, ITransformer model, IDataView data)
    {
        Console.WriteLine("== 6. Save the tuned model as .zip, load it back, predict ==");
        string path = Path.Combine(Path.GetTempPath(), "mlnet-mlp-breast-cancer.zip");
        mlContext.Model.Save(model, data.Schema, path);
        Console.WriteLine($"saved {path} ({new FileInfo(path).Length:N0} bytes)");

        // A fresh MLContext, as in another process: ML.NET finds MlNet.Mlp's loaders by itself.
        var serving = new MLContext();
        ITransformer loaded = serving.Model.Load(path, out _);
        var engine = serving.Model.CreatePredictionEngine<Patient, Diagnosis>(loaded);
        foreach (var row in mlContext.Data.CreateEnumerable<LabelledPatient>(data, reuseRowObject: false).Take(5))
        {
            Diagnosis prediction = engine.Predict(new Patient { Features = row.Features });
            Console.WriteLine($"actual {Name(row.Label)}  predicted {Name(prediction.PredictedLabel)}  P(benign) {prediction.Probability:F3}");
        }
        Console.WriteLine();
    }

    private static string Name(bool benign) => benign ? "benign   " : "malignant";
}
