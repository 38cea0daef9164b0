using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNet.Mlp.Samples;

/// <summary>
/// The course notes' worked MLP example: two inputs, two sigmoid outputs, squared error, trained on the half adder
/// (carry, sum) = (a ∧ b, a ⊕ b), as a multi-label classifier.
/// </summary>
internal static class MlpHalfAdderSample
{
    private sealed class AdderRow
    {
        [VectorType(2)] public float[] Features { get; set; } = [];

        [VectorType(2)] public bool[] Label { get; set; } = []; // (carry, sum)
    }

    private sealed class AdderPrediction
    {
        public float[] Probability { get; set; } = [];
        public bool[] PredictedLabel { get; set; } = [];
    }

    public static void Run()
    {
        Console.WriteLine("== 8. The notes' half adder: an MLP with two sigmoid outputs ==");
        var mlContext = new MLContext(seed: 1);
        var rows = new List<AdderRow>
        {
            new() { Features = [0, 0], Label = [false, false] }, new() { Features = [0, 1], Label = [false, true] },
            new() { Features = [1, 0], Label = [false, true] }, new() { Features = [1, 1], Label = [true, false] },
        };
        // <half-adder>
        var trainer = mlContext.BinaryClassification.Trainers.MlpMultiLabel(new MlpMultiLabelTrainer.Options
        {
            HiddenLayerSizes = [4], Activation = MlpActivation.Sigmoid, Loss = MlpLoss.SquaredError,
            LearningRate = 0.05f, BatchSize = 4, NumberOfIterations = 1500, L2Regularization = 0, EarlyStopping = false,
        });
        var model = trainer.Fit(mlContext.Data.LoadFromEnumerable(rows));

        var engine = mlContext.Model.CreatePredictionEngine<AdderRow, AdderPrediction>(model);
        Console.WriteLine(" a b | carry sum | P(carry) P(sum)");
        foreach (AdderRow row in rows)
        {
            AdderPrediction p = engine.Predict(row);
            Console.WriteLine($" {row.Features[0]} {row.Features[1]} |   {Bit(p.PredictedLabel[0])}    {Bit(p.PredictedLabel[1])}  |  {p.Probability[0]:F3}    {p.Probability[1]:F3}");
        }
        // </half-adder>
        var metrics = mlContext.BinaryClassification.EvaluateMultiLabel(model.Transform(mlContext.Data.LoadFromEnumerable(rows)));
        Console.WriteLine($"truth table learned exactly: {metrics.SubsetAccuracy == 1}; training loss ½Σ(Y − o)² " +
            $"{model.Model.TrainingReport.Epochs[^1].TrainingLoss:G3} after {model.Model.TrainingReport.EpochCount} epochs");
        Console.WriteLine();
    }

    private static int Bit(bool value) => value ? 1 : 0;
}
