using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace MlNet.Mlp.Trainers;

/// <summary>Computes <see cref="MultiLabelClassificationMetrics"/> from a Boolean vector label, probabilities and predicted labels.</summary>
internal static class MultiLabelEvaluator
{
    public static MultiLabelClassificationMetrics Evaluate(IHostEnvironment env, IDataView data, string labelColumnName,
        string probabilityColumnName, string predictedLabelColumnName)
    {
        IHost host = env.Register(nameof(MultiLabelEvaluator));
        (float[][] values, int rows, int size) = VectorColumns.Read(host, data,
            new VectorColumn(labelColumnName, BooleanDataViewType.Instance, "label"),
            new VectorColumn(probabilityColumnName, NumberDataViewType.Single, "probability"),
            new VectorColumn(predictedLabelColumnName, BooleanDataViewType.Instance, "predicted label"));
        if (rows == 0)
            throw host.ExceptParam(nameof(data), "The data has no rows to evaluate.");
        float[] labels = values[0], probabilities = values[1], predicted = values[2];

        var perLabel = new LabelClassificationMetrics[size];
        long truePositives = 0, falsePositives = 0, falseNegatives = 0, wrongEntries = 0;
        var rowWrong = new bool[rows];
        var truth = new bool[rows];
        var probability = new float[rows];
        for (int j = 0; j < size; j++)
        {
            int tp = 0, fp = 0, fn = 0, correct = 0;
            for (int row = 0; row < rows; row++)
            {
                int at = row * size + j;
                truth[row] = labels[at] > 0;
                probability[row] = probabilities[at];
                bool guess = predicted[at] > 0;
                tp += truth[row] && guess ? 1 : 0;
                fp += !truth[row] && guess ? 1 : 0;
                fn += truth[row] && !guess ? 1 : 0;
                if (truth[row] == guess)
                    correct++;
                else
                    rowWrong[row] = true;
            }
            perLabel[j] = new LabelClassificationMetrics((double)correct / rows, AreaUnderRocCurve(truth, probability), F1(tp, fp, fn), tp + fn);
            truePositives += tp;
            falsePositives += fp;
            falseNegatives += fn;
            wrongEntries += rows - correct;
        }
        return new MultiLabelClassificationMetrics(perLabel,
            hammingLoss: (double)wrongEntries / ((long)rows * size),
            subsetAccuracy: (double)rowWrong.Count(wrong => !wrong) / rows,
            microF1Score: F1(truePositives, falsePositives, falseNegatives),
            macroF1Score: perLabel.Average(m => m.F1Score));
    }

    private static double F1(long truePositives, long falsePositives, long falseNegatives)
    {
        long denominator = 2 * truePositives + falsePositives + falseNegatives;
        return denominator == 0 ? 0 : 2.0 * truePositives / denominator;
    }

    /// <summary>
    /// The Mann–Whitney form of the ROC AUC: (sum of the positives' ranks − P(P + 1)/2) / (P·N), tied probabilities
    /// sharing their mean rank; NaN without both classes. Rows with a NaN probability are left out, as ML.NET's
    /// binary evaluator leaves out a NaN score: sorted, each would take a rank of its own below every number.
    /// </summary>
    internal static double AreaUnderRocCurve(ReadOnlySpan<bool> truth, ReadOnlySpan<float> probability)
    {
        var kept = new List<int>(truth.Length);
        for (int row = 0; row < truth.Length; row++)
        {
            if (!float.IsNaN(probability[row]))
                kept.Add(row);
        }
        int[] order = kept.ToArray();
        int n = order.Length;
        float[] keys = new float[n];
        for (int k = 0; k < n; k++)
            keys[k] = probability[order[k]];
        Array.Sort(keys, order);
        double positiveRankSum = 0;
        long positives = 0;
        for (int start = 0; start < n;)
        {
            int end = start + 1;
            while (end < n && keys[end] == keys[start])
                end++;
            double meanRank = (start + 1 + end) / 2.0; // ranks start + 1 … end
            for (int k = start; k < end; k++)
            {
                if (truth[order[k]])
                {
                    positiveRankSum += meanRank;
                    positives++;
                }
            }
            start = end;
        }
        long negatives = n - positives;
        if (positives == 0 || negatives == 0)
            return double.NaN;
        return (positiveRankSum - positives * (positives + 1) / 2.0) / ((double)positives * negatives);
    }
}
