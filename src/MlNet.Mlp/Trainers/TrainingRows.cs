using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers;
using MlNet.Mlp.Engine;

namespace MlNet.Mlp.Trainers;

/// <summary>
/// A training set read once from an <see cref="IDataView"/> into the form the engine trains on: one dense row-major
/// float matrix, or (when the caller can train on it and the features arrive sparse) a <see cref="SparseRowMatrix"/>.
/// Rows ML.NET's trainers skip are skipped here too, and counted.
/// </summary>
internal sealed class TrainingRows
{
    /// <summary>
    /// Features arriving as sparse buffers with at most this share of values stored are kept sparse, where the
    /// caller allows it. Below it a sparse row (8 bytes per stored value) is at most a fifth of a dense one; text
    /// features (FeaturizeText) are typically far below 1%.
    /// </summary>
    private const double MaxSparseShare = 0.1;

    /// <summary>Above this size a dense copy of features that arrive sparse earns a warning in the log.</summary>
    private const long LargeDenseCopyBytes = 1L << 30;

    private TrainingRows(float[] features, SparseRowMatrix? sparseFeatures, bool arrivedSparse, int featureCount, int rowCount, float[] labels, float[]? weights,
        long skippedFeatureRows, long skippedLabelRows, long skippedWeightRows)
    {
        Features = features;
        SparseFeatures = sparseFeatures;
        ArrivedSparse = arrivedSparse;
        FeatureCount = featureCount;
        RowCount = rowCount;
        Labels = labels;
        Weights = weights;
        SkippedFeatureRows = skippedFeatureRows;
        SkippedLabelRows = skippedLabelRows;
        SkippedWeightRows = skippedWeightRows;
    }

    /// <summary>
    /// RowCount × FeatureCount values, row-major. May be longer: only the first RowCount rows are data. Empty when
    /// the rows are in <see cref="SparseFeatures"/>.
    /// </summary>
    public float[] Features { get; }
    /// <summary>The rows, when they were kept sparse; otherwise null.</summary>
    public SparseRowMatrix? SparseFeatures { get; }
    /// <summary>Whether the first row arrived as a sparse buffer storing at most a tenth of its values.</summary>
    public bool ArrivedSparse { get; }
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
    /// With <paramref name="allowSparse"/>, features whose first row arrives as a sparse buffer storing at most a
    /// tenth of its values are kept in a <see cref="SparseRowMatrix"/>; any later row is stored correctly either way.
    /// </summary>
    /// <exception cref="InvalidOperationException">When no usable row remains.</exception>
    public static TrainingRows Read(IHost host, IChannel channel, RoleMappedData data, int featureCount, bool allowSparse = false)
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
        float[] labels = new float[Math.Max(1, capacity)];
        float[]? weights = data.Schema.Weight.HasValue ? new float[labels.Length] : null;
        // Allocated at the first row, once it shows whether the features arrive sparse.
        float[]? features = null;
        SparseRowBuilder? sparse = null;
        bool arrivedSparse = false;

        int rows = 0;
        using var cursor = new FloatLabelCursor(data, options);
        while (cursor.MoveNext())
        {
            host.CheckAlive();
            if (features is null && sparse is null)
            {
                int stored = cursor.Features.GetValues().Length;
                arrivedSparse = !cursor.Features.IsDense && stored <= MaxSparseShare * featureCount;
                if (allowSparse && arrivedSparse)
                    // One row is a weak guide to the rest: start from at most 64 values a row and grow from there, so
                    // that one unusually long first row cannot reserve gigabytes.
                    sparse = new SparseRowBuilder(featureCount, labels.Length, expectedValues: (long)Math.Clamp(stored, 1, 64) * labels.Length);
                else
                {
                    long denseBytes = (long)labels.Length * featureCount * sizeof(float);
                    if (arrivedSparse && denseBytes > LargeDenseCopyBytes)
                    {
                        channel.Warning($"Feature column '{data.Schema.Feature!.Value.Name}' arrives sparse ({stored} of {featureCount} values " +
                            $"stored in its first row), but this trainer copies it densely: {labels.Length} rows × {featureCount} features " +
                            $"take {denseBytes / (double)(1L << 30):F1} GiB. Fewer features (e.g. FeaturizeText with fewer n-grams, " +
                            "SelectFeaturesBasedOnCount) keep the copy small.");
                    }
                    features = new float[labels.Length * (long)featureCount];
                }
            }
            if (rows == labels.Length)
            {
                // Only when the view yields more rows than it counted (e.g. a source that changed between passes).
                int grown = (int)Math.Min(labels.Length + Math.Max(1L, labels.Length / 2), (long)Array.MaxLength / featureCount);
                if (grown <= rows)
                    throw host.Except($"The training set has more rows than one array can hold ({rows} rows of {featureCount} features).");
                if (features is not null)
                    Array.Resize(ref features, grown * featureCount);
                Array.Resize(ref labels, grown);
                if (weights is not null)
                    Array.Resize(ref weights, grown);
            }
            if (sparse is not null)
                sparse.Add(cursor.Features);
            else
                cursor.Features.CopyTo(features.AsSpan(rows * featureCount, featureCount));
            labels[rows] = cursor.Label;
            if (weights is not null)
                weights[rows] = cursor.Weight;
            rows++;
        }

        var result = new TrainingRows(features ?? [], rows > 0 ? sparse?.Build() : null, arrivedSparse, featureCount, rows, labels, weights,
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

    /// <summary>Collects rows as compressed sparse rows, growing its arrays by half when they fill.</summary>
    private sealed class SparseRowBuilder(int featureCount, int expectedRows, long expectedValues)
    {
        private int[] _rowStarts = new int[expectedRows + 1];
        private int[] _indices = new int[(int)Math.Min(Math.Max(16, expectedValues), Array.MaxLength)];
        private float[] _values = new float[(int)Math.Min(Math.Max(16, expectedValues), Array.MaxLength)];
        private int _rows;

        /// <summary>Appends a row's non-zero values, from a sparse or a dense buffer.</summary>
        public void Add(in VBuffer<float> row)
        {
            if (_rows + 2 > _rowStarts.Length)
                Array.Resize(ref _rowStarts, Grown(_rowStarts.Length));
            int count = _rowStarts[_rows];
            ReadOnlySpan<float> values = row.GetValues();
            ReadOnlySpan<int> indices = row.IsDense ? default : row.GetIndices();
            for (int k = 0; k < values.Length; k++)
            {
                if (values[k] == 0)
                    continue;
                if (count == _values.Length)
                {
                    int grown = Grown(_values.Length);
                    if (grown <= count)
                        throw new InvalidOperationException($"The training set has more non-zero feature values than one array can hold ({count}).");
                    Array.Resize(ref _indices, grown);
                    Array.Resize(ref _values, grown);
                }
                _indices[count] = row.IsDense ? k : indices[k];
                _values[count] = values[k];
                count++;
            }
            _rows++;
            _rowStarts[_rows] = count;
        }

        public SparseRowMatrix Build() => new(featureCount, _rows, _rowStarts, _indices, _values);

        private static int Grown(int length) => (int)Math.Min(length + Math.Max(16L, length / 2), Array.MaxLength);
    }
}
