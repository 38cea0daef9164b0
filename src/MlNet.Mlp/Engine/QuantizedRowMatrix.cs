namespace MlNet.Mlp.Engine;

/// <summary>
/// Rows of features stored as one byte each: feature j of row r is <c>Codes[r·FeatureCount + j]·Step</c>. Data whose
/// values are whole multiples of one step, 0 to 255 of them (8-bit images, 0/1 indicators, small counts), fits in a
/// quarter of a float matrix; a learner that passes over the rows many times then reads a quarter of the memory.
/// </summary>
public sealed class QuantizedRowMatrix
{
    /// <summary>Wraps the codes after checking their shape and the step.</summary>
    /// <param name="featureCount">Features per row.</param>
    /// <param name="rowCount">Rows; <paramref name="codes"/> must hold at least rowCount × featureCount codes.</param>
    /// <param name="codes">One code per value, row-major; may be longer than the rows need.</param>
    /// <param name="step">The value of code 1; positive and finite.</param>
    /// <exception cref="ArgumentOutOfRangeException">A count is not positive, or the step is not positive and finite.</exception>
    /// <exception cref="ArgumentException">The codes are fewer than the rows need.</exception>
    public QuantizedRowMatrix(int featureCount, int rowCount, byte[] codes, float step)
    {
        ArgumentNullException.ThrowIfNull(codes);
        ArgumentOutOfRangeException.ThrowIfLessThan(featureCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(rowCount, 1);
        if (!(step > 0) || !float.IsFinite(step))
            throw new ArgumentOutOfRangeException(nameof(step), step, "The step must be positive and finite.");
        if ((long)rowCount * featureCount > codes.Length)
            throw new ArgumentException($"codes holds {codes.Length} values, fewer than {rowCount} rows × {featureCount} features.", nameof(codes));
        FeatureCount = featureCount;
        RowCount = rowCount;
        Codes = codes;
        Step = step;
    }

    /// <summary>Features per row.</summary>
    public int FeatureCount { get; }

    /// <summary>Number of rows.</summary>
    public int RowCount { get; }

    /// <summary>One code per value, row-major.</summary>
    public byte[] Codes { get; }

    /// <summary>The value of code 1: a value is its code times this.</summary>
    public float Step { get; }

    /// <summary>The codes of row <paramref name="row"/>.</summary>
    public ReadOnlySpan<byte> Row(int row) => Codes.AsSpan(row * FeatureCount, FeatureCount);
}
