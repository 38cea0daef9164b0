namespace MlNet.Mlp;

/// <summary>The metrics of one label of a multi-label classifier (see <see cref="MultiLabelClassificationMetrics"/>).</summary>
public sealed class LabelClassificationMetrics
{
    internal LabelClassificationMetrics(double accuracy, double areaUnderRocCurve, double f1Score, int positiveCount)
    {
        Accuracy = accuracy;
        AreaUnderRocCurve = areaUnderRocCurve;
        F1Score = f1Score;
        PositiveCount = positiveCount;
    }

    /// <summary>The share of rows whose predicted label is the true one.</summary>
    public double Accuracy { get; }

    /// <summary>
    /// The area under the ROC curve of the probability: the chance that a random positive row gets a higher probability
    /// than a random negative one, ties counting half. NaN when the data holds only one class of this label.
    /// </summary>
    public double AreaUnderRocCurve { get; }

    /// <summary>F1 = 2TP / (2TP + FP + FN) of the predicted label; 0 when there are neither positive rows nor positive predictions.</summary>
    public double F1Score { get; }

    /// <summary>The number of rows where this label is true.</summary>
    public int PositiveCount { get; }
}
