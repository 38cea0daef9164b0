using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNet.Mlp.Tests.Infrastructure;

/// <summary>The inner view with its "Features" column served as sparse buffers holding only the non-zero values.</summary>
internal sealed class SparseFeaturesView(IDataView inner) : IDataView
{
    public bool CanShuffle => inner.CanShuffle;

    public DataViewSchema Schema => inner.Schema;

    public long? GetRowCount() => inner.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) =>
        new Cursor(inner.GetRowCursor(columnsNeeded, rand));

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        inner.GetRowCursorSet(columnsNeeded, n, rand).Select(cursor => (DataViewRowCursor)new Cursor(cursor)).ToArray();

    private sealed class Cursor(DataViewRowCursor inner) : DataViewRowCursor
    {
        public override DataViewSchema Schema => inner.Schema;

        public override long Position => inner.Position;

        public override long Batch => inner.Batch;

        public override bool MoveNext() => inner.MoveNext();

        public override bool IsColumnActive(DataViewSchema.Column column) => inner.IsColumnActive(column);

        public override ValueGetter<DataViewRowId> GetIdGetter() => inner.GetIdGetter();

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (column.Name != "Features")
                return inner.GetGetter<TValue>(column);
            ValueGetter<VBuffer<float>> denseGetter = inner.GetGetter<VBuffer<float>>(column);
            VBuffer<float> denseValue = default;
            ValueGetter<VBuffer<float>> sparseGetter = (ref VBuffer<float> value) =>
            {
                denseGetter(ref denseValue);
                float[] values = denseValue.DenseValues().ToArray();
                int[] indices = Enumerable.Range(0, values.Length).Where(i => values[i] != 0).ToArray();
                value = new VBuffer<float>(values.Length, indices.Length, indices.Select(i => values[i]).ToArray(), indices);
            };
            return (ValueGetter<TValue>)(Delegate)sparseGetter;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
                inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
