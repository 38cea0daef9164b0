using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNet.Mlp.Samples;

/// <summary>The course notes' story: a perceptron learns AND and OR, but no line separates XOR.</summary>
internal static class PerceptronLogicGatesSample
{
    private sealed class GateRow
    {
        public bool Label { get; set; }

        [VectorType(2)]
        public float[] Features { get; set; } = [];
    }

    public static void Run()
    {
        Console.WriteLine("== 1. A perceptron on logic gates ==");
        var mlContext = new MLContext(seed: 1);
        var gates = new (string Name, Func<bool, bool, bool> Truth)[] { ("AND", (a, b) => a && b), ("OR", (a, b) => a || b), ("XOR", (a, b) => a ^ b) };
        foreach (var (name, truth) in gates)
        {
            var rows = new List<GateRow>();
            foreach (bool a in new[] { false, true })
                foreach (bool b in new[] { false, true })
                    rows.Add(new GateRow { Features = [a ? 1 : 0, b ? 1 : 0], Label = truth(a, b) });
            IDataView data = mlContext.Data.LoadFromEnumerable(rows);

            var model = mlContext.BinaryClassification.Trainers.Perceptron(numberOfIterations: 50).Fit(data);
            var metrics = mlContext.BinaryClassification.EvaluateNonCalibrated(model.Transform(data));
            var report = model.Model.TrainingReport;
            Console.WriteLine($"{name,-4} accuracy {metrics.Accuracy:P0}  converged: {report.Converged,-5}  " +
                $"iterations: {report.NumberOfIterations,3}  weights [{string.Join(", ", model.Model.Weights)}] bias {model.Model.Bias}");
        }
        Console.WriteLine("XOR is not linearly separable: the perceptron never gets all four right. An MLP with one hidden layer does:");
        var xor = mlContext.Data.LoadFromEnumerable(new List<GateRow>
        {
            new() { Features = [0, 0], Label = false }, new() { Features = [0, 1], Label = true },
            new() { Features = [1, 0], Label = true }, new() { Features = [1, 1], Label = false },
        });
        var mlp = mlContext.BinaryClassification.Trainers.Mlp(new MlpBinaryTrainer.Options
        {
            HiddenLayerSizes = [8], Activation = MlpActivation.Tanh,
        }).Fit(xor);
        var mlpMetrics = mlContext.BinaryClassification.Evaluate(mlp.Transform(xor));
        Console.WriteLine($"XOR  MLP 2-8-1 (tanh) accuracy {mlpMetrics.Accuracy:P0}");
        Console.WriteLine();
    }
}
