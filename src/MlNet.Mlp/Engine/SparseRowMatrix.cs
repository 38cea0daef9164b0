namespace MlNet.Mlp.Engine;

/// <summary>
/// Rows of features stored by their non-zero values (compressed sparse rows): row r holds
/// <c>Values[k]</c> at feature <c>Indices[k]</c> for k in [<c>RowStarts[r]</c>, <c>RowStarts[r + 1]</c>), with
/// indices increasing within a row. For data such as bag-of-words text features, where a dense copy would be almost
/// all zeros: a 100,000-feature text set costs 8 bytes per non-zero value here instead of 400 KB per row.
/// </summary>
public sealed class SparseRowMatrix
{
    /// <summary>Wraps the arrays after checking their shapes, the indices and that every value is finite.</summary>
    /// <param name="featureCount">Features per row (the dense length).</param>
    /// <param name="rowCount">Rows; <paramref name="rowStarts"/> must hold at least rowCount + 1 entries.</param>
    /// <param name="rowStarts">Where each row starts in <paramref name="indices"/> and <paramref name="values"/>, then where the last ends.</param>
    /// <param name="indices">Feature index of each stored value; the arrays may be longer than the last row's end.</param>
    /// <param name="values">Each stored value.</param>
    /// <exception cref="ArgumentOutOfRangeException">A count is not positive.</exception>
    /// <exception cref="ArgumentException">The starts, indices or values are inconsistent, out of range or not finite.</exception>
    public SparseRowMatrix(int featureCount, int rowCount, int[] rowStarts, int[] indices, float[] values)
    {
        ArgumentNullException.ThrowIfNull(rowStarts);
        ArgumentNullException.ThrowIfNull(indices);
        ArgumentNullException.ThrowIfNull(values);
        ArgumentOutOfRangeException.ThrowIfLessThan(featureCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(rowCount, 1);
        if (rowStarts.Length < rowCount + 1)
            throw new ArgumentException($"Row starts must hold {rowCount + 1} entries for {rowCount} rows; got {rowStarts.Length}.", nameof(rowStarts));
        if (rowStarts[0] != 0)
            throw new ArgumentException($"The first row must start at 0; it starts at {rowStarts[0]}.", nameof(rowStarts));
        int stored = rowStarts[rowCount];
        if (stored > indices.Length || stored > values.Length)
            throw new ArgumentException($"The rows hold {stored} values, but indices has {indices.Length} and values {values.Length}.", nameof(rowStarts));
        for (int row = 0; row < rowCount; row++)
        {
            int start = rowStarts[row], end = rowStarts[row + 1];
            if (end < start)
                throw new ArgumentException($"Row {row} ends ({end}) before it starts ({start}).", nameof(rowStarts));
            int previous = -1;
            for (int k = start; k < end; k++)
            {
                if (indices[k] <= previous || indices[k] >= featureCount)
                    throw new ArgumentException($"Row {row} has feature index {indices[k]} after {previous}: indices must increase within a row and be below {featureCount}.", nameof(indices));
                if (!float.IsFinite(values[k]))
                    throw new ArgumentException($"values must be finite; row {row} holds {values[k]} at feature {indices[k]}.", nameof(values));
                previous = indices[k];
            }
        }
        FeatureCount = featureCount;
        RowCount = rowCount;
        RowStarts = rowStarts;
        Indices = indices;
        Values = values;
    }

    /// <summary>Features per row.</summary>
    public int FeatureCount { get; }

    /// <summary>Number of rows.</summary>
    public int RowCount { get; }

    /// <summary>Where each row starts in <see cref="Indices"/> and <see cref="Values"/>; entry RowCount is where the last ends.</summary>
    public int[] RowStarts { get; }

    /// <summary>The feature index of each stored value.</summary>
    public int[] Indices { get; }

    /// <summary>Each stored value.</summary>
    public float[] Values { get; }
}
