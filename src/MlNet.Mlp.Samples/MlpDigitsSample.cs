using Microsoft.ML;
using MlNet.Mlp.Engine;

namespace MlNet.Mlp.Samples;

/// <summary>
/// A multiclass MLP on the digits data with early stopping: live progress per epoch, a confusion matrix on the
/// test set and the learning curve saved as a PNG.
/// </summary>
internal static class MlpDigitsSample
{
    public static void Run()
    {
        Console.WriteLine("== 3. MLP on digits (64 pixels → 100 ReLU → 10 classes), early stopping ==");
        var mlContext = new MLContext(seed: 1);
        var split = mlContext.Data.TrainTestSplit(DataFiles.LoadDigits(mlContext), testFraction: 0.2, seed: 1);

        // Early stopping is on by default: 20% of the training set is held out, and training stops once its
        // loss has not improved for EarlyStoppingPatience epochs, keeping the best epoch's weights.
        var options = new MlpMulticlassTrainer.Options { HiddenLayerSizes = [100], EarlyStoppingPatience = 10 };
        var pipeline = mlContext.Transforms.Conversion.MapValueToKey("Label", "Digit")
            .Append(mlContext.Transforms.NormalizeMeanVariance("Features"))
            .Append(mlContext.MulticlassClassification.Trainers.Mlp(options));
        var model = TrainingProgress.Show(options, "digits", () => pipeline.Fit(split.TrainSet), plainLineEvery: 10);

        // <training-report>
        TrainingReport report = model.LastTransformer.Model.TrainingReport;
        Console.WriteLine($"stopped after {report.EpochCount} epochs ({report.StopReason}); weights of epoch {report.BestEpoch}");
        foreach (EpochSummary epoch in report.Epochs.TakeLast(3))
            Console.WriteLine($"  epoch {epoch.Epoch}: training loss {epoch.TrainingLoss:F4}, validation loss {epoch.ValidationLoss:F4}, {epoch.Elapsed.TotalMilliseconds:F0} ms");
        // </training-report>
        var metrics = mlContext.MulticlassClassification.Evaluate(model.Transform(split.TestSet));
        Console.WriteLine($"test micro-accuracy {metrics.MicroAccuracy:F4}, log-loss {metrics.LogLoss:F4}");
        Console.WriteLine(metrics.ConfusionMatrix.GetFormattedConfusionTable());

        string png = LearningCurvePlot.Save(report, "MLP on digits: loss per epoch",
            Path.Combine(Path.GetTempPath(), "mlnet-mlp-digits-learning-curve.png"));
        Console.WriteLine($"learning curve saved to {png}");
        Console.WriteLine();
    }
}
