using Microsoft.ML;
using Microsoft.ML.Data;

// Trains a perceptron and an MLP from the package, saves the pipeline, loads it in a fresh MLContext and checks
// the loaded model predicts the training rows of a separable problem. Exit code 0 means the package works alone.
var mlContext = new MLContext(seed: 1);
var rows = Enumerable.Range(0, 200).Select(i =>
{
    float x = (i % 20) / 10f - 1, y = (i / 20) / 5f - 1;
    return new Row { Features = [x, y], Label = x + y > 0.05f };
}).ToList();
IDataView data = mlContext.Data.LoadFromEnumerable(rows);

var perceptron = mlContext.BinaryClassification.Trainers.Perceptron().Fit(data);
double perceptronAccuracy = mlContext.BinaryClassification.EvaluateNonCalibrated(perceptron.Transform(data)).Accuracy;

var pipeline = mlContext.BinaryClassification.Trainers.Mlp(hiddenLayerSizes: [8], numberOfIterations: 100, learningRate: 0.01f);
ITransformer model = pipeline.Fit(data);
string path = Path.Combine(Path.GetTempPath(), $"package-consumer-{Environment.ProcessId}.zip");
mlContext.Model.Save(model, data.Schema, path);

var loaded = new MLContext().Model.Load(path, out _);
File.Delete(path);
double loadedAccuracy = mlContext.BinaryClassification.Evaluate(loaded.Transform(data)).Accuracy;

Console.WriteLine($"perceptron accuracy {perceptronAccuracy:F3}, loaded MLP accuracy {loadedAccuracy:F3}");
return perceptronAccuracy > 0.9 && loadedAccuracy > 0.9 ? 0 : 1;

internal sealed class Row
{
    [VectorType(2)]
    public float[] Features { get; set; } = [];

    public bool Label { get; set; }
}
