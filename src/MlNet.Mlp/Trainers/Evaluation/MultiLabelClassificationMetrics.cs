namespace MlNet.Mlp;

/// <summary>
/// The result of <c>mlContext.BinaryClassification.EvaluateMultiLabel</c>: per label accuracy, AUC and F1, and the
/// usual multi-label summaries over all N rows × K labels.
/// </summary>
public sealed class MultiLabelClassificationMetrics
{
    internal MultiLabelClassificationMetrics(IReadOnlyList<LabelClassificationMetrics> perLabel, double hammingLoss, double subsetAccuracy,
        double microF1Score, double macroF1Score)
    {
        PerLabel = perLabel;
        HammingLoss = hammingLoss;
        SubsetAccuracy = subsetAccuracy;
        MicroF1Score = microF1Score;
        MacroF1Score = macroF1Score;
    }

    /// <summary>Label j's accuracy, AUC and F1.</summary>
    public IReadOnlyList<LabelClassificationMetrics> PerLabel { get; }

    /// <summary>The share of the N × K label entries predicted wrongly (scikit-learn's hamming_loss).</summary>
    public double HammingLoss { get; }

    /// <summary>The share of rows whose K labels are all predicted rightly (exact match; scikit-learn's accuracy_score).</summary>
    public double SubsetAccuracy { get; }

    /// <summary>F1 of the true and false positives and negatives pooled over all labels: 2ΣTP / (2ΣTP + ΣFP + ΣFN).</summary>
    public double MicroF1Score { get; }

    /// <summary>The mean over the labels of their F1.</summary>
    public double MacroF1Score { get; }
}
