using Microsoft.ML;
using MlNet.Mlp.Engine;

namespace MlNet.Mlp.Samples;

/// <summary>A multiclass MLP on the digits data with early stopping, progress per epoch and a confusion matrix.</summary>
internal static class MlpDigitsSample
{
    public static void Run()
    {
        Console.WriteLine("== 3. MLP on digits (64 pixels → 100 ReLU → 10 classes), early stopping ==");
        var mlContext = new MLContext(seed: 1);
        var split = mlContext.Data.TrainTestSplit(DataFiles.LoadDigits(mlContext), testFraction: 0.2, seed: 1);

        var pipeline = mlContext.Transforms.Conversion.MapValueToKey("Label", "Digit")
            .Append(mlContext.Transforms.NormalizeMeanVariance("Features"))
            .Append(mlContext.MulticlassClassification.Trainers.Mlp(new MlpMulticlassTrainer.Options
            {
                EpochCompleted = PrintEpoch,
            }));
        var model = pipeline.Fit(split.TrainSet);

        var metrics = mlContext.MulticlassClassification.Evaluate(model.Transform(split.TestSet));
        Console.WriteLine($"test micro-accuracy {metrics.MicroAccuracy:F4}, log-loss {metrics.LogLoss:F4}");
        Console.WriteLine(metrics.ConfusionMatrix.GetFormattedConfusionTable());
    }

    private static void PrintEpoch(EpochSummary epoch)
    {
        if (epoch.Epoch % 5 == 1)
        {
            Console.WriteLine($"epoch {epoch.Epoch,3}  training loss {epoch.TrainingLoss:F4}  validation loss {epoch.ValidationLoss:F4}  " +
                $"validation accuracy {epoch.ValidationAccuracy:F4}  {epoch.Elapsed.TotalMilliseconds,5:F0} ms");
        }
    }
}
