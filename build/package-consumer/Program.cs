using Microsoft.ML;
using Microsoft.ML.Data;

// Trains a perceptron and an MLP from the package, saves the pipeline, loads it in a fresh MLContext and checks
// the loaded model predicts the training rows of a separable problem; exports the loaded model to ONNX, scores it with
// ONNX Runtime through ApplyOnnxModel and checks it predicts what ML.NET does; then trains, saves and loads a
// multi-label MLP (vector label, vector outputs, our own prediction transformer). Exit code 0 means the package works alone.
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

string onnxPath = Path.Combine(Path.GetTempPath(), $"package-consumer-{Environment.ProcessId}.onnx");
using (FileStream file = File.Create(onnxPath))
    mlContext.Model.ConvertToOnnx(loaded, data, file);
IDataView onnxScored = mlContext.Transforms.ApplyOnnxModel(onnxPath).Fit(data).Transform(data);
IDataView mlNetScored = loaded.Transform(data);
float[] onnxProbability = onnxScored.GetColumn<float[]>("Probability").Select(p => p[0]).ToArray();
bool[] onnxLabel = onnxScored.GetColumn<bool[]>("PredictedLabel").Select(l => l[0]).ToArray();
float[] mlNetProbability = mlNetScored.GetColumn<float>("Probability").ToArray();
bool[] mlNetLabel = mlNetScored.GetColumn<bool>("PredictedLabel").ToArray();
File.Delete(onnxPath);
double largestDifference = onnxProbability.Zip(mlNetProbability, (a, b) => Math.Abs((double)a - b)).Max();
bool onnxAgrees = onnxLabel.SequenceEqual(mlNetLabel) && largestDifference <= 1e-5;

var labelRows = rows.Select(r => new LabelRow { Features = r.Features, Label = [r.Label, r.Features[0] > 0] }).ToList();
IDataView labelData = mlContext.Data.LoadFromEnumerable(labelRows);
var multiLabel = mlContext.BinaryClassification.Trainers.MlpMultiLabel(hiddenLayerSizes: [8], numberOfIterations: 100, learningRate: 0.01f).Fit(labelData);
mlContext.Model.Save(multiLabel, labelData.Schema, path);
var loadedMultiLabel = new MLContext().Model.Load(path, out _);
File.Delete(path);
double subsetAccuracy = mlContext.BinaryClassification.EvaluateMultiLabel(loadedMultiLabel.Transform(labelData)).SubsetAccuracy;
var engine = mlContext.Model.CreatePredictionEngine<LabelRow, LabelPrediction>(loadedMultiLabel);
bool[] first = engine.Predict(labelRows[0]).PredictedLabel;

Console.WriteLine($"perceptron accuracy {perceptronAccuracy:F3}, loaded MLP accuracy {loadedAccuracy:F3}, " +
    $"ONNX export: labels {(onnxLabel.SequenceEqual(mlNetLabel) ? "identical" : "DIFFER")}, largest probability difference {largestDifference:E1}, " +
    $"loaded multi-label MLP subset accuracy {subsetAccuracy:F3} ({multiLabel.Model.LabelCount} labels)");
return perceptronAccuracy > 0.9 && loadedAccuracy > 0.9 && onnxAgrees && subsetAccuracy > 0.9 && first.Length == 2 ? 0 : 1;

internal sealed class Row
{
    [VectorType(2)]
    public float[] Features { get; set; } = [];

    public bool Label { get; set; }
}

internal sealed class LabelRow
{
    [VectorType(2)]
    public float[] Features { get; set; } = [];

    [VectorType(2)]
    public bool[] Label { get; set; } = [];
}

internal sealed class LabelPrediction
{
    public bool[] PredictedLabel { get; set; } = [];
}
