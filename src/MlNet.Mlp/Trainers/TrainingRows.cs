using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Internal.Utilities;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers;
using System.Runtime.InteropServices;
using MlNet.Mlp.Engine;
using MlNet.Mlp.Kernels;

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

    private TrainingRows(float[] features, SparseRowMatrix? sparseFeatures, QuantizedRowMatrix? quantizedFeatures, bool arrivedSparse, int featureCount, int rowCount, float[] labels, float[]? weights,
        long skippedFeatureRows, long skippedLabelRows, long skippedWeightRows)
    {
        Features = features;
        SparseFeatures = sparseFeatures;
        QuantizedFeatures = quantizedFeatures;
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
    /// the rows are in <see cref="SparseFeatures"/> or <see cref="QuantizedFeatures"/>.
    /// </summary>
    public float[] Features { get; }
    /// <summary>The rows, when they were kept sparse; otherwise null.</summary>
    public SparseRowMatrix? SparseFeatures { get; }
    /// <summary>The rows, when they were kept as byte codes; otherwise null.</summary>
    public QuantizedRowMatrix? QuantizedFeatures { get; }
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
    /// With <paramref name="allowQuantized"/>, other features are kept in a <see cref="QuantizedRowMatrix"/> when
    /// every value is a whole number, 0 to 255, of one step: the smallest value above 0 in the first row that has one,
    /// or a finer one that a later row shows (the view is then read again with that step). Features that do not fit
    /// are read again from the start as floats.
    /// </summary>
    /// <exception cref="InvalidOperationException">When no usable row remains.</exception>
    public static TrainingRows Read(IHost host, IChannel channel, RoleMappedData data, int featureCount, bool allowSparse = false,
        bool allowQuantized = false)
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
            result = ReadRows(host, channel, data, featureCount, capacity, allowSparse, ref step);
            if (step == 0)
                break;
        }
        result ??= ReadRows(host, channel, data, featureCount, capacity, allowSparse, ref step, quantize: false)!;
        result.ReportSkippedRows(channel, data);
        if (result.RowCount == 0)
        {
            throw host.Except(result.SkippedFeatureRows + result.SkippedLabelRows + result.SkippedWeightRows > 0
                ? $"No valid training rows: every row was skipped ({result.DescribeSkipped(data)})."
                : "The training set is empty: it has no rows.");
        }
        return result;
    }

    /// <summary>
    /// One pass over the view; null when <paramref name="quantize"/> is set and a row does not fit the codes, with
    /// <paramref name="step"/> then set to a finer step worth another attempt, or to 0. A step of 0 on entry is taken
    /// from the first row that has a value above 0.
    /// </summary>
    private static TrainingRows? ReadRows(IHost host, IChannel channel, RoleMappedData data, int featureCount, int capacity,
        bool allowSparse, ref float step, bool quantize = true)
    {
        var options = CursOpt.Label | CursOpt.Features;
        if (data.Schema.Weight.HasValue)
            options |= CursOpt.Weight;
        // The encoder turns away NaN and infinities, and sparse rows are checked below, so the cursor's own check of
        // every feature value (as long as the rest of the read) is left out; a row it would have skipped ends the
        // attempt, and the read as floats skips and counts it.
        if (quantize)
            options |= CursOpt.AllowBadFeatures;
        float[] labels = new float[capacity];
        float[]? weights = data.Schema.Weight.HasValue ? new float[labels.Length] : null;
        // Allocated at the first row, once it shows whether the features arrive sparse.
        float[]? features = null;
        SparseRowBuilder? sparse = null;
        byte[]? codes = null;
        bool useCodes = false;
        float[]? denseRow = null;
        bool arrivedSparse = false;

        int rows = 0;
        using var cursor = new FloatLabelCursor(data, options);
        while (cursor.MoveNext())
        {
            host.CheckAlive();
            if (features is null && sparse is null && !useCodes)
            {
                int stored = cursor.Features.GetValues().Length;
                arrivedSparse = !cursor.Features.IsDense && stored <= MaxSparseShare * featureCount;
                if (allowSparse && arrivedSparse)
                    // One row is a weak guide to the rest: start from at most 64 values a row and grow from there, so
                    // that one unusually long first row cannot reserve gigabytes.
                    sparse = new SparseRowBuilder(featureCount, labels.Length, expectedValues: (long)Math.Clamp(stored, 1, 64) * labels.Length);
                else if (quantize)
                    useCodes = true; // the codes are allocated once the first row shows that it fits them
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
                if (codes is not null)
                    Array.Resize(ref codes, grown * featureCount);
                Array.Resize(ref labels, grown);
                if (weights is not null)
                    Array.Resize(ref weights, grown);
            }
            if (sparse is not null)
            {
                // The check the cursor was told to skip, on the stored values only.
                if (quantize && !FloatUtils.IsFinite(cursor.Features.GetValues()))
                {
                    step = 0;
                    return null;
                }
                sparse.Add(cursor.Features);
            }
            else if (useCodes)
            {
                ReadOnlySpan<float> values = cursor.Features.IsDense ? cursor.Features.GetValues() : DenseCopy(cursor.Features, ref denseRow);
                if (step == 0)
                    step = SmallestPositive(values);
                Span<byte> rowCodes = codes is not null ? codes.AsSpan(rows * featureCount, featureCount) : new byte[featureCount];
                bool fits = step > 0
                    ? QuantizedVector.TryEncode(values, step, rowCodes)
                    : AllPositiveZeros(values); // no step yet: the row's codes are already 0
                if (!fits)
                {
                    step = FinerStep(values, step, rowCodes);
                    return null;
                }
                if (codes is null)
                {
                    codes = new byte[labels.Length * (long)featureCount];
                    rowCodes.CopyTo(codes);
                }
            }
            else
                cursor.Features.CopyTo(features.AsSpan(rows * featureCount, featureCount));
            labels[rows] = cursor.Label;
            if (weights is not null)
                weights[rows] = cursor.Weight;
            rows++;
        }

        QuantizedRowMatrix? quantized = codes is not null && rows > 0 ? new QuantizedRowMatrix(featureCount, rows, codes, step > 0 ? step : 1f) : null;
        return new TrainingRows(features ?? [], rows > 0 ? sparse?.Build() : null, quantized, arrivedSparse, featureCount, rows, labels, weights,
            cursor.BadFeaturesRowCount, cursor.BadLabelCount, cursor.BadWeightCount);
    }

    private static ReadOnlySpan<float> DenseCopy(in VBuffer<float> row, ref float[]? buffer)
    {
        buffer ??= new float[row.Length];
        row.CopyTo(buffer);
        return buffer;
    }

    /// <summary>
    /// The smallest value above 0 of a row that does not fit <paramref name="step"/>, when the row fits it and it
    /// divides <paramref name="step"/> a whole number of times (to float round-off); otherwise 0.
    /// </summary>
    private static float FinerStep(ReadOnlySpan<float> values, float step, Span<byte> scratch)
    {
        float finer = SmallestPositive(values);
        if (!(finer > 0 && finer < step))
            return 0;
        float times = MathF.Round(step / finer);
        bool divides = times <= QuantizedVector.MaxCode && MathF.Abs(times * finer - step) <= 4e-7f * step;
        return divides && QuantizedVector.TryEncode(values, finer, scratch) ? finer : 0;
    }

    /// <summary>The smallest value above 0, or 0 when there is none.</summary>
    private static float SmallestPositive(ReadOnlySpan<float> values)
    {
        float smallest = float.PositiveInfinity;
        foreach (float value in values)
        {
            if (value > 0 && value < smallest)
                smallest = value;
        }
        return float.IsPositiveInfinity(smallest) ? 0 : smallest;
    }

    // −0 is not code 0 (it decodes to +0), so it is turned away here as it is by the encoder.
    private static bool AllPositiveZeros(ReadOnlySpan<float> values) =>
        MemoryMarshal.Cast<float, int>(values).IndexOfAnyExcept(0) < 0;

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
