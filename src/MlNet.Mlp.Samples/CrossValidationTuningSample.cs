using Microsoft.ML;
using Spectre.Console;

namespace MlNet.Mlp.Samples;

/// <summary>
/// Picks an MLP's learning rate and hidden-layer size by 5-fold cross-validation on a small grid, then refits the
/// best setting on all the data.
/// </summary>
internal static class CrossValidationTuningSample
{
    public static ITransformer Run(MLContext mlContext, IDataView data)
    {
        Console.WriteLine("== 5. Tuning an MLP by 5-fold cross-validation: learning rate × hidden units, on breast cancer ==");
        float[] learningRates = [0.001f, 0.01f];
        int[] hiddenSizes = [8, 32];

        var table = new Table().AddColumns("learning rate", "hidden units", "accuracy (mean ± std)", "AUC (mean ± std)");
        (float LearningRate, int Hidden, double Accuracy) best = default;
        foreach (float learningRate in learningRates)
        {
            foreach (int hidden in hiddenSizes)
            {
                var folds = mlContext.BinaryClassification.CrossValidate(data, Pipeline(mlContext, learningRate, hidden), numberOfFolds: 5);
                double[] accuracy = folds.Select(f => f.Metrics.Accuracy).ToArray();
                double[] auc = folds.Select(f => f.Metrics.AreaUnderRocCurve).ToArray();
                table.AddRow($"{learningRate}", $"{hidden}", MeanAndStd(accuracy), MeanAndStd(auc));
                if (accuracy.Average() > best.Accuracy)
                    best = (learningRate, hidden, accuracy.Average());
            }
        }
        AnsiConsole.Write(table);

        Console.WriteLine($"best: learning rate {best.LearningRate}, {best.Hidden} hidden units; refitting it on all the data");
        Console.WriteLine();
        return Pipeline(mlContext, best.LearningRate, best.Hidden).Fit(data);
    }

    // Few epochs and no early stopping keep the 20 fits of the grid to a few seconds; a real search would use more.
    private static IEstimator<ITransformer> Pipeline(MLContext mlContext, float learningRate, int hidden) =>
        mlContext.Transforms.NormalizeMeanVariance("Features")
            .Append(mlContext.BinaryClassification.Trainers.Mlp(new MlpBinaryTrainer.Options
            {
                LearningRate = learningRate,
                HiddenLayerSizes = [hidden],
                NumberOfIterations = 30,
                EarlyStopping = false,
            }));

    private static string MeanAndStd(double[] values)
    {
        double mean = values.Average();
        double std = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1));
        return $"{mean:F4} ± {std:F4}";
    }
}
