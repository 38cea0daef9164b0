using Microsoft.ML;

namespace MlNet.Mlp.Samples;

/// <summary>A regression MLP on the diabetes data, 5-fold cross-validated.</summary>
internal static class MlpDiabetesSample
{
    public static void Run()
    {
        Console.WriteLine("== 4. MLP regression on diabetes, 5-fold cross-validation ==");
        var mlContext = new MLContext(seed: 1);
        var pipeline = mlContext.Transforms.NormalizeMeanVariance("Features")
            .Append(mlContext.Regression.Trainers.Mlp());
        var folds = mlContext.Regression.CrossValidate(DataFiles.LoadDiabetes(mlContext), pipeline, numberOfFolds: 5);
        Console.WriteLine($"RMSE {folds.Average(f => f.Metrics.RootMeanSquaredError):F2}  R² {folds.Average(f => f.Metrics.RSquared):F3}");
        Console.WriteLine();
    }
}
