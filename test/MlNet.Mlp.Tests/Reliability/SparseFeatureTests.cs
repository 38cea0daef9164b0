using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;

namespace MlNet.Mlp.Tests.Reliability;

/// <summary>
/// ML.NET hands trainers and models sparse vectors whenever a transform produces them (OneHotEncoding,
/// FeaturizeText, ...). Every trainer must train, and every model score, exactly as on the same values stored densely.
/// </summary>
public class SparseFeatureTests
{
    public static TheoryData<TrainerKind> AllTrainers => new(EachTrainer.All);

    [Theory]
    [MemberData(nameof(AllTrainers))]
    public void Sparse_features_train_and_score_exactly_as_their_dense_copy(TrainerKind kind)
    {
        var ml = new MLContext(seed: 1);
        // A third of the rows have x₁ = 0, a third x₂ = 0: sparse buffers with 0, 1 or 2 stored values.
        var rows = EachTrainer.Separable(90, seed: 21).Select((r, i) =>
            (i % 3 == 0 ? [0f, r.Features[1]] : i % 3 == 1 ? new[] { r.Features[0], 0f } : r.Features, r.Label)).ToList();
        rows.Add(([0f, 0f], 1f));
        IDataView dense = EachTrainer.Data(ml, kind, rows);
        IDataView sparse = new SparseFeatures(dense);
        Assert.Contains(sparse.GetColumn<VBuffer<float>>("Features"), buffer => !buffer.IsDense);

        ITransformer fromDense = EachTrainer.Create(ml, kind).Fit(dense);
        ITransformer fromSparse = EachTrainer.Create(ml, kind).Fit(sparse);
        Assert.Equal(EachTrainer.Parameters(fromDense), EachTrainer.Parameters(fromSparse));

        float[] denseScores = EachTrainer.Scores(fromDense.Transform(dense));
        Assert.Equal(denseScores, EachTrainer.Scores(fromDense.Transform(sparse)));
        Assert.All(denseScores, score => Assert.True(float.IsFinite(score)));
    }

    /// <summary>The inner view with its "Features" column served as sparse buffers holding only the non-zero values.</summary>
    private sealed class SparseFeatures(IDataView inner) : IDataView
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
}
