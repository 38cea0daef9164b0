using System.Runtime.CompilerServices;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers;
using MlNet.Mlp.Engine;
using MlNet.Mlp.Kernels;

namespace MlNet.Mlp.Trainers;

/// <summary>
/// A training set read once from an <see cref="IDataView"/> into the form the engine trains on: one dense row-major
/// float matrix, or (when the caller can train on it and the features arrive sparse) a <see cref="SparseRowMatrix"/>.
/// Rows ML.NET's trainers skip are skipped here too, and counted. Dispose once the rows are no longer used: byte codes
/// go back to the pool they came from (<see cref="PooledCodes"/>).
/// </summary>
internal sealed class TrainingRows : IDisposable
{
    /// <summary>
    /// Features arriving as sparse buffers with at most this share of values stored are kept sparse, where the
    /// caller allows it. Below it a sparse row (8 bytes per stored value) is at most a fifth of a dense one; text
    /// features (FeaturizeText) are typically far below 1%.
    /// </summary>
    private const double MaxSparseShare = 0.1;

    /// <summary>Above this size a dense copy of features that arrive sparse earns a warning in the log.</summary>
    private const long LargeDenseCopyBytes = 1L << 30;

    private bool _codesReturned;

    private TrainingRows(StoredFeatures features, bool arrivedSparse, int featureCount, int rowCount, float[] labels, int labelWidth,
        float[]? weights, long skippedFeatureRows, long skippedLabelRows, long skippedWeightRows)
    {
        Features = features.Dense;
        SparseFeatures = features.Sparse;
        QuantizedFeatures = features.Quantized;
        ArrivedSparse = arrivedSparse;
        FeatureCount = featureCount;
        RowCount = rowCount;
        Labels = labels;
        LabelWidth = labelWidth;
        Weights = weights;
        SkippedFeatureRows = skippedFeatureRows;
        SkippedLabelRows = skippedLabelRows;
        SkippedWeightRows = skippedWeightRows;
    }

    /// <summary>
    /// RowCount × FeatureCount values, row-major. May be longer: only the first RowCount rows are data. Empty when
    /// the rows are in <see cref="SparseFeatures"/> or <see cref="QuantizedFeatures"/>.
    /// </summary>
    public float[] Features { get; }
    /// <summary>The rows, when they were kept sparse; otherwise null.</summary>
    public SparseRowMatrix? SparseFeatures { get; }
    /// <summary>The rows, when they were kept as byte codes; otherwise null.</summary>
    public QuantizedRowMatrix? QuantizedFeatures { get; }
    /// <summary>
    /// Whether the features arrived sparse: at least half of the rows read as sparse buffers, and all rows together
    /// storing at most a tenth of their values. Judged on every row read, so that it does not depend on which row
    /// comes first (a long review first in a FeaturizeText column stores a quarter of its values).
    /// </summary>
    public bool ArrivedSparse { get; }
    public int FeatureCount { get; }
    public int RowCount { get; }
    /// <summary>
    /// <see cref="LabelWidth"/> values per row, row-major: a scalar label as ML.NET's float label cursor reads it
    /// (Boolean: 1 or 0; key: 0-based index), a vector label entry by entry (Boolean entries as 1 or 0). May be
    /// longer than RowCount rows, like <see cref="Features"/>.
    /// </summary>
    public float[] Labels { get; }
    /// <summary>Values per label: 1 for a scalar label, the size of a vector label.</summary>
    public int LabelWidth { get; }
    /// <summary>One weight per row (may be longer than RowCount), or null when no weight column is used.</summary>
    public float[]? Weights { get; }
    public long SkippedFeatureRows { get; }
    public long SkippedLabelRows { get; }
    public long SkippedWeightRows { get; }

    /// <summary>
    /// Reads every row of <paramref name="data"/>. Rows with a NaN or infinite feature, a missing label (a NaN or
    /// infinite value in any entry of a vector label) or a weight that is not positive and finite are skipped,
    /// counted and reported on <paramref name="channel"/>.
    /// With <paramref name="allowSparse"/>, features whose first row arrives as a sparse buffer storing at most a
    /// tenth of its values are kept in a <see cref="SparseRowMatrix"/>; any later row is stored correctly either way.
    /// With <paramref name="allowQuantized"/>, other features are kept in a <see cref="QuantizedRowMatrix"/> when
    /// every value is a whole number, 0 to 255, of one step: the smallest value above 0 in the first row that has one,
    /// or a finer one that a later row shows (the view is then read again with that step). Features that do not fit
    /// are read again from the start as floats. The messages call the rows those of the <paramref name="setName"/> set
    /// ("training", or "validation" for a validation set).
    /// </summary>
    /// <exception cref="InvalidOperationException">When no usable row remains.</exception>
    public static TrainingRows Read(IHost host, IChannel channel, RoleMappedData data, int featureCount, bool allowSparse = false,
        bool allowQuantized = false, string setName = "training")
    {
        // Sizing the arrays once keeps peak memory at one copy of the features: growing them as rows arrive would
        // hold the old and the new array at once (up to 2.5× with 1.5× growth), and trimming them would copy again.
        // So a view that does not know its row count is counted first, in a pass that reads no column. Rows the
        // cursor below skips leave the arrays a little longer than RowCount, which every consumer allows for.
        long rowsToHold = data.Data.GetRowCount() ?? CountRows(host, data.Data);
        int capacity = (int)Math.Max(1, Math.Min(rowsToHold, (long)Array.MaxLength / featureCount));
        // Each failed attempt at codes costs one more pass over the view, but features that are not quantised at all
        // (standardised values, say) show it in the first row. A second attempt is made only when a row needs a step
        // that divides the first one (an image whose faintest pixel is 2 grey levels, then one with 1).
        TrainingRows? result = null;
        float step = 0;
        for (int attempt = 0; allowQuantized && result is null && attempt < 2; attempt++)
        {
            result = ReadPass(host, channel, data, featureCount, capacity, allowSparse, quantize: true, ref step);
            if (step == 0)
                break;
        }
        result ??= ReadPass(host, channel, data, featureCount, capacity, allowSparse, quantize: false, ref step)!;
        result.ReportSkippedRows(channel, data, setName);
        if (result.RowCount == 0)
        {
            throw host.Except(result.SkippedFeatureRows + result.SkippedLabelRows + result.SkippedWeightRows > 0
                ? $"No valid {setName} rows: every row was skipped ({result.DescribeSkipped(data)})."
                : $"The {setName} set is empty: it has no rows.");
        }
        return result;
    }

    /// <summary>
    /// One pass over the view; null when <paramref name="quantize"/> is set and a row does not fit the codes, with
    /// <paramref name="step"/> then set to a finer step worth another attempt, or to 0. A step of 0 on entry is taken
    /// from the first row that has a value above 0.
    /// </summary>
    /// <remarks>
    /// Optimised at its first call: at tier 0 its row loop soon asked for an on-stack replacement, and that compile,
    /// with the call sites' profile to act on, took 50–80 ms of a fresh process's first Fit on Fashion-MNIST's 60,000
    /// rows, where compiling it optimised at once takes 5–7 ms.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static TrainingRows? ReadPass(IHost host, IChannel channel, RoleMappedData data, int featureCount, int capacity,
        bool allowSparse, bool quantize, ref float step)
    {
        var options = CursOpt.Features;
        if (data.Schema.Weight.HasValue)
            options |= CursOpt.Weight;
        // ML.NET's cursor would test every feature value one by one, in code that a fresh process still runs
        // unoptimised while it reads: a third of the read of a large dense set. So the cursor lets NaN and infinities
        // through. When reading codes, the encoder and the sparse sink turn them away: a row they would have skipped
        // ends the attempt, and the read as floats skips and counts it. When reading floats, each row is tested here
        // with one vectorised pass over its stored values (still in cache for the copy that follows).
        options |= CursOpt.AllowBadFeatures;
        using var cursor = new LabeledRowCursor(data, options);
        int width = cursor.LabelWidth;
        float[] labels = new float[capacity * (long)width];
        float[]? weights = data.Schema.Weight.HasValue ? new float[capacity] : null;
        FeatureRowSink? sink = null; // chosen at the first row, once it shows whether the features arrive sparse
        long sparseBufferRows = 0, storedValues = 0;

        int rows = 0;
        long badFeatureRows = 0;
        while (cursor.MoveNext())
        {
            host.CheckAlive();
            if (!quantize && !FiniteValues.AllFinite(cursor.Features.GetValues()))
            {
                badFeatureRows++;
                continue;
            }
            if (sink is null)
            {
                // How to store the rows cannot wait for all of them; a wrong guess costs memory, never a value.
                int stored = cursor.Features.GetValues().Length;
                bool firstRowSparse = !cursor.Features.IsDense && stored <= MaxSparseShare * featureCount;
                sink = ChooseSink(channel, data, featureCount, capacity, firstRowSparse, allowSparse, quantize, step, stored);
            }
            if (rows == capacity)
            {
                // Only when the view yields more rows than it counted (e.g. a source that changed between passes).
                int grown = (int)Math.Min(capacity + Math.Max(1L, capacity / 2), (long)Array.MaxLength / Math.Max(featureCount, width));
                if (grown <= rows)
                    throw host.Except($"The training set has more rows than one array can hold ({rows} rows of {featureCount} features).");
                capacity = grown;
                sink.Resize(capacity);
                Array.Resize(ref labels, capacity * width);
                if (weights is not null)
                    Array.Resize(ref weights, capacity);
            }
            if (!sink.TryAdd(cursor.Features, rows))
            {
                step = sink is QuantizedRowSink quantized ? quantized.RetryStep : 0;
                return null;
            }
            sparseBufferRows += cursor.Features.IsDense ? 0 : 1;
            storedValues += cursor.Features.GetValues().Length;
            cursor.Label.CopyTo(labels.AsSpan(rows * width, width));
            if (weights is not null)
                weights[rows] = cursor.Weight;
            rows++;
        }

        if (sink is QuantizedRowSink codes)
            step = codes.Step;
        StoredFeatures features = sink?.Build(rows) ?? new StoredFeatures([], null, null);
        bool arrivedSparse = rows > 0 && 2 * sparseBufferRows >= rows && storedValues <= MaxSparseShare * featureCount * (double)rows;
        return new TrainingRows(features, arrivedSparse, featureCount, rows, labels, width, weights,
            badFeatureRows, cursor.BadLabelCount, cursor.BadWeightCount);
    }

    private static FeatureRowSink ChooseSink(IChannel channel, RoleMappedData data, int featureCount, int rows, bool firstRowSparse,
        bool allowSparse, bool quantize, float step, int storedInFirstRow)
    {
        if (allowSparse && firstRowSparse)
        {
            // One row is a weak guide to the rest: start from at most 64 values a row and grow from there, so that
            // one unusually long first row cannot reserve gigabytes.
            return new SparseRowSink(featureCount, rows, expectedValues: (long)Math.Clamp(storedInFirstRow, 1, 64) * rows, checkFinite: quantize);
        }
        if (quantize)
            return new QuantizedRowSink(featureCount, rows, step);
        long denseBytes = (long)rows * featureCount * sizeof(float);
        if (firstRowSparse && denseBytes > LargeDenseCopyBytes)
        {
            channel.Warning($"Feature column '{data.Schema.Feature!.Value.Name}' arrives sparse ({storedInFirstRow} of {featureCount} values " +
                $"stored in its first row), but this trainer copies it densely: {rows} rows × {featureCount} features " +
                $"take {denseBytes / (double)(1L << 30):F1} GiB. Fewer features (e.g. FeaturizeText with fewer n-grams, " +
                "SelectFeaturesBasedOnCount) keep the copy small.");
        }
        return new DenseRowSink(featureCount, rows);
    }

    /// <summary>Returns pooled byte codes, once; the rows must not be used after this.</summary>
    public void Dispose()
    {
        if (QuantizedFeatures is { } coded && !_codesReturned)
            PooledCodes.Return(coded.Codes);
        _codesReturned = true;
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

    private void ReportSkippedRows(IChannel channel, RoleMappedData data, string setName)
    {
        if (SkippedFeatureRows + SkippedLabelRows + SkippedWeightRows > 0)
            channel.Warning(setName == "training"
                ? $"Skipped {DescribeSkipped(data)} during training; trained on {RowCount} rows."
                : $"Skipped {DescribeSkipped(data)} in the {setName} set; {RowCount} rows remain.");
    }

    private string DescribeSkipped(RoleMappedData data)
    {
        var parts = new List<string>();
        if (SkippedFeatureRows > 0)
            parts.Add($"{RowsText(SkippedFeatureRows)} with NaN or infinite values in feature column '{data.Schema.Feature!.Value.Name}'");
        if (SkippedLabelRows > 0)
            parts.Add($"{RowsText(SkippedLabelRows)} with a missing value in label column '{data.Schema.Label!.Value.Name}'");
        if (SkippedWeightRows > 0)
            parts.Add($"{RowsText(SkippedWeightRows)} with a zero, negative, NaN or infinite value in weight column '{data.Schema.Weight!.Value.Name}'");
        return string.Join(", ", parts);
    }

    private static string RowsText(long count) => count == 1 ? "1 row" : $"{count} rows";
}
