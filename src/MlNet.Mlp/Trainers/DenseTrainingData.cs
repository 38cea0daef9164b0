using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers;

namespace MlNet.Mlp.Trainers;

/// <summary>
/// A training set read once from an <see cref="IDataView"/> into one dense row-major float matrix, the form the
/// engine trains on. Rows ML.NET's trainers skip are skipped here too, and counted.
/// </summary>
internal sealed class DenseTrainingData
{
    private DenseTrainingData(float[] features, int featureCount, int rowCount, float[] labels, float[]? weights,
        long skippedFeatureRows, long skippedLabelRows, long skippedWeightRows)
    {
        Features = features;
        FeatureCount = featureCount;
        RowCount = rowCount;
        Labels = labels;
        Weights = weights;
        SkippedFeatureRows = skippedFeatureRows;
        SkippedLabelRows = skippedLabelRows;
        SkippedWeightRows = skippedWeightRows;
    }

    /// <summary>RowCount × FeatureCount values, row-major. May be longer: only the first RowCount rows are data.</summary>
    public float[] Features { get; }
    public int FeatureCount { get; }
    public int RowCount { get; }
    /// <summary>
    /// One label per row, as ML.NET's float label cursor reads it (Boolean: 1 or 0; key: 0-based index). May be
    /// longer than RowCount, like <see cref="Features"/>.
    /// </summary>
    public float[] Labels { get; }
    /// <summary>One weight per row (may be longer than RowCount), or null when no weight column is used.</summary>
    public float[]? Weights { get; }
    public long SkippedFeatureRows { get; }
    public long SkippedLabelRows { get; }
    public long SkippedWeightRows { get; }

    /// <summary>
    /// Reads every row of <paramref name="data"/>. Rows with a NaN or infinite feature, a missing label or a
    /// weight that is not positive and finite are skipped, counted and reported on <paramref name="channel"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">When no usable row remains.</exception>
    public static DenseTrainingData Read(IHost host, IChannel channel, RoleMappedData data, int featureCount)
    {
        var options = CursOpt.Label | CursOpt.Features;
        if (data.Schema.Weight.HasValue)
            options |= CursOpt.Weight;

        // Sizing the arrays once keeps peak memory at one copy of the features: growing them as rows arrive would
        // hold the old and the new array at once (up to 2.5× with 1.5× growth), and trimming them would copy again.
        // So a view that does not know its row count is counted first, in a pass that reads no column. Rows the
        // cursor below skips leave the arrays a little longer than RowCount, which every consumer allows for.
        long rowsToHold = data.Data.GetRowCount() ?? CountRows(host, data.Data);
        int capacity = (int)Math.Min(rowsToHold, (long)Array.MaxLength / featureCount);
        float[] features = new float[Math.Max(1, capacity) * (long)featureCount];
        float[] labels = new float[Math.Max(1, capacity)];
        float[]? weights = data.Schema.Weight.HasValue ? new float[labels.Length] : null;

        int rows = 0;
        using var cursor = new FloatLabelCursor(data, options);
        while (cursor.MoveNext())
        {
            host.CheckAlive();
            if (rows == labels.Length)
            {
                // Only when the view yields more rows than it counted (e.g. a source that changed between passes).
                int grown = (int)Math.Min(labels.Length + Math.Max(1L, labels.Length / 2), (long)Array.MaxLength / featureCount);
                if (grown <= rows)
                    throw host.Except($"The training set has more rows than one array can hold ({rows} rows of {featureCount} features).");
                Array.Resize(ref features, grown * featureCount);
                Array.Resize(ref labels, grown);
                if (weights is not null)
                    Array.Resize(ref weights, grown);
            }
            cursor.Features.CopyTo(features.AsSpan(rows * featureCount, featureCount));
            labels[rows] = cursor.Label;
            if (weights is not null)
                weights[rows] = cursor.Weight;
            rows++;
        }

        var result = new DenseTrainingData(features, featureCount, rows, labels, weights,
            cursor.BadFeaturesRowCount, cursor.BadLabelCount, cursor.BadWeightCount);
        result.ReportSkippedRows(channel, data);
        if (rows == 0)
        {
            throw host.Except(result.SkippedFeatureRows + result.SkippedLabelRows + result.SkippedWeightRows > 0
                ? $"No valid training rows: every row was skipped ({result.DescribeSkipped(data)})."
                : "The training set is empty: it has no rows.");
        }
        return result;
    }

    /// <summary>
    /// A warning when every label of a binary training set (1 = true, 0 = false) is the same, or null. Not an error:
    /// a cross-validation fold may hold one class by chance, and the model (which then predicts that class) is valid.
    /// </summary>
    public string? SingleClassWarning(string labelColumn)
    {
        int positives = 0;
        for (int row = 0; row < RowCount; row++)
            positives += Labels[row] > 0 ? 1 : 0;
        if (positives != 0 && positives != RowCount)
            return null;
        string only = positives == 0 ? "false" : "true";
        return $"Label column '{labelColumn}' holds only one class ({only}) in all {RowCount} training rows: the model will " +
            $"predict {only} for everything. Binary classification needs examples of both classes.";
    }

    private static long CountRows(IHost host, IDataView data)
    {
        long rows = 0;
        using DataViewRowCursor cursor = data.GetRowCursor([]);
        while (cursor.MoveNext())
        {
            if ((rows & 0xFFF) == 0)
                host.CheckAlive();
            rows++;
        }
        return rows;
    }

    private void ReportSkippedRows(IChannel channel, RoleMappedData data)
    {
        if (SkippedFeatureRows + SkippedLabelRows + SkippedWeightRows > 0)
            channel.Warning($"Skipped {DescribeSkipped(data)} during training; trained on {RowCount} rows.");
    }

    private string DescribeSkipped(RoleMappedData data)
    {
        var parts = new List<string>();
        if (SkippedFeatureRows > 0)
            parts.Add($"{SkippedFeatureRows} rows with NaN or infinite values in feature column '{data.Schema.Feature!.Value.Name}'");
        if (SkippedLabelRows > 0)
            parts.Add($"{SkippedLabelRows} rows with a missing value in label column '{data.Schema.Label!.Value.Name}'");
        if (SkippedWeightRows > 0)
            parts.Add($"{SkippedWeightRows} rows with a zero, negative, NaN or infinite value in weight column '{data.Schema.Weight!.Value.Name}'");
        return string.Join(", ", parts);
    }
}
