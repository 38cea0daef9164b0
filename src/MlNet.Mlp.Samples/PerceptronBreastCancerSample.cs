using Microsoft.ML;
using Spectre.Console;

namespace MlNet.Mlp.Samples;

/// <summary>A perceptron in an ML.NET pipeline on the breast cancer data: 5-fold cross-validation.</summary>
internal static class PerceptronBreastCancerSample
{
    public static void Run()
    {
        Console.WriteLine("== 2. Perceptron on breast cancer, 5-fold cross-validation ==");
        var mlContext = new MLContext(seed: 1);
        IDataView data = DataFiles.LoadBreastCancer(mlContext);

        var pipeline = mlContext.Transforms.NormalizeMeanVariance("Features")
            .Append(mlContext.BinaryClassification.Trainers.Perceptron());
        // NonCalibrated: the perceptron's Score is not a probability, so there is no log-loss to report.
        var folds = mlContext.BinaryClassification.CrossValidateNonCalibrated(data, pipeline, numberOfFolds: 5);

        var table = new Table().AddColumns("fold", "accuracy", "AUC", "F1");
        foreach (var fold in folds)
            table.AddRow($"{fold.Fold}", $"{fold.Metrics.Accuracy:F4}", $"{fold.Metrics.AreaUnderRocCurve:F4}", $"{fold.Metrics.F1Score:F4}");
        table.AddRow("[bold]mean[/]", $"{folds.Average(f => f.Metrics.Accuracy):F4}",
            $"{folds.Average(f => f.Metrics.AreaUnderRocCurve):F4}", $"{folds.Average(f => f.Metrics.F1Score):F4}");
        AnsiConsole.Write(table);
        Console.WriteLine();
    }
}
