using MlNet.Mlp.Engine;

namespace MlNet.Mlp.Samples;

/// <summary>Saves a training report's learning curve (loss per epoch, best epoch marked) as a PNG with ScottPlot.</summary>
internal static class LearningCurvePlot
{
    public static string Save(TrainingReport report, string title, string path)
    {
        var plot = new ScottPlot.Plot();
        double[] epochs = report.Epochs.Select(e => (double)e.Epoch).ToArray();

        var training = plot.Add.Scatter(epochs, report.Epochs.Select(e => e.TrainingLoss).ToArray());
        training.LegendText = "training loss";
        if (report.ValidationExampleCount > 0)
        {
            var validation = plot.Add.Scatter(epochs, report.Epochs.Select(e => e.ValidationLoss ?? double.NaN).ToArray());
            validation.LegendText = "validation loss";
        }
        var best = plot.Add.VerticalLine(report.BestEpoch);
        best.LegendText = $"best epoch ({report.BestEpoch})";
        best.LinePattern = ScottPlot.LinePattern.Dashed;

        plot.Title(title);
        plot.XLabel("epoch");
        plot.YLabel("loss");
        plot.ShowLegend(ScottPlot.Alignment.UpperRight);
        plot.SavePng(path, 800, 500);
        return path;
    }
}
