using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNet.Mlp.Samples;

/// <summary>
/// The README's quickstart. The region between the quickstart markers is the README's code block word for word
/// (test/MlNet.Mlp.Tests/Docs/ReadmeTests.cs checks it), so building this project proves the README compiles.
/// </summary>
internal static class QuickstartSample
{
    private sealed class Patient
    {
        [LoadColumn(0, 29), VectorType(30)] public float[] Features { get; set; } = [];
        [LoadColumn(30)] public bool Label { get; set; }
    }

    private sealed class Prediction
    {
        public bool PredictedLabel { get; set; }
        public float Probability { get; set; }
    }

    public static void Run()
    {
        // The quickstart reads "breast_cancer.csv" from the current directory, as a user's program would.
        Directory.SetCurrentDirectory(Path.Combine(AppContext.BaseDirectory, "data"));
        // <quickstart>
        var mlContext = new MLContext(seed: 1);
        IDataView data = mlContext.Data.LoadFromTextFile<Patient>("breast_cancer.csv", separatorChar: ',', hasHeader: true);

        var pipeline = mlContext.Transforms.NormalizeMeanVariance("Features")
            .Append(mlContext.BinaryClassification.Trainers.Mlp(hiddenLayerSizes: [16]));

        var folds = mlContext.BinaryClassification.CrossValidate(data, pipeline, numberOfFolds: 5);
        Console.WriteLine($"5-fold accuracy: {folds.Average(f => f.Metrics.Accuracy):F3}");

        ITransformer model = pipeline.Fit(data);
        mlContext.Model.Save(model, data.Schema, Path.Combine(Path.GetTempPath(), "model.zip"));

        ITransformer loaded = new MLContext().Model.Load(Path.Combine(Path.GetTempPath(), "model.zip"), out _);
        var engine = mlContext.Model.CreatePredictionEngine<Patient, Prediction>(loaded);
        Prediction first = engine.Predict(mlContext.Data.CreateEnumerable<Patient>(data, reuseRowObject: false).First());
        Console.WriteLine($"first patient: benign {first.PredictedLabel}, P = {first.Probability:F3}");
        // </quickstart>
    }
}
