using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNet.Mlp.Samples;

/// <summary>
/// Multi-output regression on Linnerud (20 men: chin-ups, sit-ups, jumps → weight, waist, pulse), 5-fold
/// cross-validated, with ML.NET's regression metrics per output on the pooled held-out predictions.
/// </summary>
internal static class MlpLinnerudSample
{
    private sealed class ScoredRow
    {
        [VectorType(3)] public float[] Label { get; set; } = [];
        [VectorType(3)] public float[] Score { get; set; } = [];
    }

    public static void Run()
    {
        Console.WriteLine("== 9. Multi-output regression on Linnerud: three exercises → weight, waist, pulse ==");
        var mlContext = new MLContext(seed: 1);
        IDataView data = DataFiles.LoadLinnerud(mlContext); // Features: 3 Singles, Label: 3 Singles
        // <multi-output>
        var trainer = mlContext.Regression.Trainers.MlpMultiOutput(new MlpMultiOutputRegressionTrainer.Options
        {
            HiddenLayerSizes = [8], Activation = MlpActivation.Tanh, LearningRate = 0.01f, L2Regularization = 0.5f, BatchSize = 4,
            NumberOfIterations = 200, EarlyStopping = false,
        });
        var folds = mlContext.Regression.CrossValidateMultiOutput(data, trainer, numberOfFolds: 5, seed: 1);

        // Four rows a fold make a fold's R² noise: evaluate the 20 held-out predictions together.
        var heldOut = folds.SelectMany(f => mlContext.Data.CreateEnumerable<ScoredRow>(f.ScoredHoldOutSet, reuseRowObject: false)).ToList();
        MultiOutputRegressionMetrics metrics = mlContext.Regression.EvaluateMultiOutput(mlContext.Data.LoadFromEnumerable(heldOut));
        for (int j = 0; j < metrics.PerOutput.Count; j++)
            Console.WriteLine($"{DataFiles.LinnerudTargets[j],-6} R² {metrics.PerOutput[j].RSquared,6:F3}  RMSE {metrics.PerOutput[j].RootMeanSquaredError,6:F2}");
        // </multi-output>
        Console.WriteLine($"mean R² {metrics.AverageRSquared:F3}. Twenty rows carry little signal; docs/multi-output-peer.md has scikit-learn with these settings.");
        Console.WriteLine();
    }
}
