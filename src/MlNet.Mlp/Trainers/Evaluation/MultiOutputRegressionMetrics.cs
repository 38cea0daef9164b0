using Microsoft.ML.Data;

namespace MlNet.Mlp;

/// <summary>
/// The result of <c>mlContext.Regression.EvaluateMultiOutput</c>: ML.NET's <see cref="RegressionMetrics"/> for each
/// output, computed by ML.NET's regression evaluator on that output alone, and their averages over the outputs.
/// </summary>
public sealed class MultiOutputRegressionMetrics
{
    internal MultiOutputRegressionMetrics(IReadOnlyList<RegressionMetrics> perOutput)
    {
        PerOutput = perOutput;
        AverageRSquared = perOutput.Average(m => m.RSquared);
        AverageRootMeanSquaredError = perOutput.Average(m => m.RootMeanSquaredError);
        AverageMeanAbsoluteError = perOutput.Average(m => m.MeanAbsoluteError);
    }

    /// <summary>Output j's metrics (R², RMSE, MAE, MSE), exactly as <c>mlContext.Regression.Evaluate</c> gives them for that output.</summary>
    public IReadOnlyList<RegressionMetrics> PerOutput { get; }

    /// <summary>The mean over the outputs of their R² (each 1 − Σ(y − ŷ)² / Σ(y − ȳ)²).</summary>
    public double AverageRSquared { get; }

    /// <summary>The mean over the outputs of their root mean squared error (each in its output's units).</summary>
    public double AverageRootMeanSquaredError { get; }

    /// <summary>The mean over the outputs of their mean absolute error (each in its output's units).</summary>
    public double AverageMeanAbsoluteError { get; }
}
