using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNet.Mlp.Benchmarks.Fashion;

/// <summary>
/// Fashion-MNIST as an IDataView that streams rows from the bytes of the IDX file: pixels are scaled to [0, 1]
/// per row as a cursor reads it, so ML.NET never sees a second float copy of the data set, and the row count is
/// known up front so that a trainer can size its dense copy exactly.
/// </summary>
/// <remarks>
/// Columns: "Features", a vector of 784 Single, and "Label": a key of the 10 classes (multiclass) or a Boolean
/// "is the positive class" (binary, over the rows of two classes only).
/// </remarks>
public sealed class FashionMnistDataView : IDataView
{
    private readonly FashionMnist _data;
    private readonly int[] _rows;
    private readonly int? _positiveClass;

    private FashionMnistDataView(FashionMnist data, int[] rows, int? positiveClass)
    {
        _data = data;
        _rows = rows;
        _positiveClass = positiveClass;
        var schema = new DataViewSchema.Builder();
        schema.AddColumn("Features", new VectorDataViewType(NumberDataViewType.Single, FashionMnist.PixelCount));
        schema.AddColumn("Label", positiveClass is null ? new KeyDataViewType(typeof(uint), FashionMnist.ClassCount) : BooleanDataViewType.Instance);
        Schema = schema.ToSchema();
    }

    /// <summary>All rows, labelled by class.</summary>
    public static FashionMnistDataView Multiclass(FashionMnist data) =>
        new(data, Enumerable.Range(0, data.RowCount).ToArray(), positiveClass: null);

    /// <summary>Only the rows of the two classes, labelled true for <paramref name="positiveClass"/>.</summary>
    public static FashionMnistDataView Binary(FashionMnist data, int positiveClass, int negativeClass) =>
        new(data, Enumerable.Range(0, data.RowCount).Where(r => data.Labels[r] == positiveClass || data.Labels[r] == negativeClass).ToArray(), positiveClass);

    public bool CanShuffle => false;

    public DataViewSchema Schema { get; }

    public long? GetRowCount() => _rows.Length;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) => new Cursor(this);

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) => [new Cursor(this)];

    private sealed class Cursor(FashionMnistDataView view) : DataViewRowCursor
    {
        private int _position = -1;

        public override DataViewSchema Schema => view.Schema;

        public override long Position => _position;

        public override long Batch => 0;

        public override bool MoveNext() => ++_position < view._rows.Length;

        public override bool IsColumnActive(DataViewSchema.Column column) => true;

        public override ValueGetter<DataViewRowId> GetIdGetter() =>
            (ref DataViewRowId id) => id = new DataViewRowId((ulong)_position, 0);

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            Delegate getter = column.Index switch
            {
                0 => (ValueGetter<VBuffer<float>>)GetFeatures,
                _ when view._positiveClass is null => (ValueGetter<uint>)GetClassKey,
                _ => (ValueGetter<bool>)GetIsPositive,
            };
            return getter as ValueGetter<TValue>
                ?? throw new InvalidOperationException($"Column '{column.Name}' is {column.Type}, not {typeof(TValue).Name}.");
        }

        private int Row => view._rows[_position];

        private void GetFeatures(ref VBuffer<float> value)
        {
            var editor = VBufferEditor.Create(ref value, FashionMnist.PixelCount);
            ScalePixels(view._data.Pixels.AsSpan(Row * FashionMnist.PixelCount, FashionMnist.PixelCount), editor.Values);
            value = editor.Commit();
        }

        /// <summary>
        /// pixel / 255 for each pixel: the same floats as the PyTorch script's x / 255 (a division, not a product with
        /// 1/255, which differs in the last bit for some pixels). Compiled optimised from its first call: a fresh
        /// process reads the whole set before the runtime would promote it, and the peers convert their arrays before
        /// their clocks start, so the view's conversion should cost as little as the copy the trainer makes of it.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static unsafe void ScalePixels(ReadOnlySpan<byte> pixels, Span<float> values)
        {
            int i = 0;
            if (Avx2.IsSupported)
            {
                var divisor = Vector256.Create(255f);
                fixed (byte* source = pixels)
                fixed (float* target = values)
                {
                    for (; i <= pixels.Length - Vector256<float>.Count; i += Vector256<float>.Count)
                        Avx.Store(target + i, Avx.Divide(Avx.ConvertToVector256Single(Avx2.ConvertToVector256Int32(source + i)), divisor));
                }
            }
            for (; i < pixels.Length; i++)
                values[i] = pixels[i] / 255f;
        }

        // Key values are 1-based: 0 is the missing key.
        private void GetClassKey(ref uint value) => value = view._data.Labels[Row] + 1u;

        private void GetIsPositive(ref bool value) => value = view._data.Labels[Row] == view._positiveClass;
    }
}
