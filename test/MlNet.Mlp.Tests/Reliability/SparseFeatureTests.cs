using Microsoft.ML;
using Microsoft.ML.Data;
using MlNet.Mlp.Tests.Infrastructure;
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
        IDataView sparse = new SparseFeaturesView(dense);
        Assert.Contains(sparse.GetColumn<VBuffer<float>>("Features"), buffer => !buffer.IsDense);

        ITransformer fromDense = EachTrainer.Create(ml, kind).Fit(dense);
        ITransformer fromSparse = EachTrainer.Create(ml, kind).Fit(sparse);
        Assert.Equal(EachTrainer.Parameters(fromDense), EachTrainer.Parameters(fromSparse));

        float[] denseScores = EachTrainer.Scores(fromDense.Transform(dense));
        Assert.Equal(denseScores, EachTrainer.Scores(fromDense.Transform(sparse)));
        Assert.All(denseScores, score => Assert.True(float.IsFinite(score)));
    }
}
