using System.Runtime.CompilerServices;
using Microsoft.ML.Data;
using Microsoft.ML.Internal.Utilities;
using MlNet.Mlp.Engine;

namespace MlNet.Mlp.Trainers;

/// <summary>
/// Rows kept by their non-zero values (compressed sparse rows), growing its arrays by half when they fill. When the
/// cursor was told to let NaN and infinite features through (<paramref name="checkFinite"/>), a row holding one
/// ends the pass, so that the read as floats skips and counts it.
/// </summary>
internal sealed class SparseRowSink(int featureCount, int rows, long expectedValues, bool checkFinite) : FeatureRowSink
{
    private int[] _rowStarts = new int[rows + 1];
    private int[] _indices = new int[(int)Math.Min(Math.Max(16, expectedValues), Array.MaxLength)];
    private float[] _values = new float[(int)Math.Min(Math.Max(16, expectedValues), Array.MaxLength)];
    private int _rows;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override bool TryAdd(in VBuffer<float> row, int index)
    {
        ReadOnlySpan<float> values = row.GetValues();
        if (checkFinite && !FloatUtils.IsFinite(values))
            return false;
        if (_rows + 2 > _rowStarts.Length)
            Array.Resize(ref _rowStarts, Grown(_rowStarts.Length));
        int count = _rowStarts[_rows];
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
        return true;
    }

    // The row starts grow as rows arrive.
    public override void Resize(int rows)
    {
    }

    public override StoredFeatures Build(int rows) =>
        new([], rows > 0 ? new SparseRowMatrix(featureCount, _rows, _rowStarts, _indices, _values) : null, null);

    private static int Grown(int length) => (int)Math.Min(length + Math.Max(16L, length / 2), Array.MaxLength);
}
