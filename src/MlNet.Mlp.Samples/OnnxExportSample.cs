using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;

namespace MlNet.Mlp.Samples;

/// <summary>
/// Exports the tuned pipeline to ONNX with ML.NET's ConvertToOnnx and scores every patient with ONNX Runtime's own
/// API, as a service in Python, C++ or Java would, then compares with ML.NET's predictions.
/// </summary>
internal static class OnnxExportSample
{
    private sealed class Patient
    {
        [VectorType(30)]
        public float[] Features { get; set; } = [];
    }

    public static void Run(MLContext mlContext, ITransformer model, IDataView data)
    {
        Console.WriteLine("== 7. Export the tuned model to ONNX, score it with ONNX Runtime ==");
        List<Patient> rows = mlContext.Data.CreateEnumerable<Patient>(data, reuseRowObject: false).ToList();

        // <onnx>
        // The graph's inputs are the columns of the data given to ConvertToOnnx: give it what serving will send.
        IDataView patients = mlContext.Data.LoadFromEnumerable(rows);
        string path = Path.Combine(Path.GetTempPath(), "mlnet-mlp-breast-cancer.onnx");
        using (FileStream file = File.Create(path))
            mlContext.Model.ConvertToOnnx(model, patients, file);

        // ONNX Runtime alone from here: one batch of N × 30 features in, N × 1 labels and probabilities out.
        using var session = new InferenceSession(path);
        using var runOptions = new RunOptions();
        float[] batch = rows.SelectMany(row => row.Features).ToArray();
        using OrtValue features = OrtValue.CreateTensorValueFromMemory(batch, [rows.Count, 30]);
        using IDisposableReadOnlyCollection<OrtValue> outputs = session.Run(runOptions,
            ["Features"], [features], ["PredictedLabel.output", "Probability.output"]);
        ReadOnlySpan<bool> benign = outputs[0].GetTensorDataAsSpan<bool>();
        ReadOnlySpan<float> probability = outputs[1].GetTensorDataAsSpan<float>();
        // </onnx>

        Console.WriteLine($"saved {path} ({new FileInfo(path).Length:N0} bytes): inputs {string.Join(", ", session.InputNames)}; " +
            $"outputs {string.Join(", ", session.OutputNames)}");
        IDataView mlNet = model.Transform(patients);
        bool[] mlNetBenign = mlNet.GetColumn<bool>("PredictedLabel").ToArray();
        float[] mlNetProbability = mlNet.GetColumn<float>("Probability").ToArray();
        int agreeing = 0;
        float largestDifference = 0;
        for (int i = 0; i < rows.Count; i++)
        {
            agreeing += benign[i] == mlNetBenign[i] ? 1 : 0;
            largestDifference = MathF.Max(largestDifference, MathF.Abs(probability[i] - mlNetProbability[i]));
        }
        Console.WriteLine($"{rows.Count} patients: ONNX Runtime and ML.NET agree on {agreeing} labels; " +
            $"largest probability difference {largestDifference:E1}");
        Console.WriteLine();
    }
}
