using System.Numerics.Tensors;
using MlNet.Mlp.Kernels;

namespace MlNet.Mlp.Engine;

/// <summary>
/// The three things the perceptron does with a row of features, for each way rows are stored. The learner is generic
/// over a struct implementing this, so each storage gets its own compiled loop with no call through an interface.
/// </summary>
internal interface IPerceptronRows
{
    /// <summary>W·x for row <paramref name="row"/>.</summary>
    float Dot(ReadOnlySpan<float> weights, int row);

    /// <summary><paramref name="target"/> += <paramref name="scale"/>·x for row <paramref name="row"/>.</summary>
    void AddScaled(int row, float scale, Span<float> target);

    /// <summary>Asks for row <paramref name="row"/> to be brought into the cache ahead of its use.</summary>
    void Prefetch(int row);
}

/// <summary>Rows of a row-major dense matrix.</summary>
internal readonly struct DenseRows(float[] features, int featureCount) : IPerceptronRows
{
    public float Dot(ReadOnlySpan<float> weights, int row) => TensorPrimitives.Dot(weights, Row(row));

    public void AddScaled(int row, float scale, Span<float> target) => TensorPrimitives.MultiplyAdd(Row(row), scale, target, target);

    public void Prefetch(int row) => CachePrefetch.Lines(Row(row));

    private ReadOnlySpan<float> Row(int row) => features.AsSpan(row * featureCount, featureCount);
}

/// <summary>Rows of a <see cref="SparseRowMatrix"/>: each operation touches only the row's stored values.</summary>
internal readonly struct SparseRows(SparseRowMatrix matrix) : IPerceptronRows
{
    public float Dot(ReadOnlySpan<float> weights, int row) => SparseVector.Dot(weights, Indices(row), Values(row));

    public void AddScaled(int row, float scale, Span<float> target) => SparseVector.MultiplyAddTo(Indices(row), Values(row), scale, target);

    // Sparse rows are short and their weights scattered: the hardware prefetchers do as well as a hint would.
    public void Prefetch(int row)
    {
    }

    private ReadOnlySpan<int> Indices(int row) =>
        matrix.Indices.AsSpan(matrix.RowStarts[row], matrix.RowStarts[row + 1] - matrix.RowStarts[row]);

    private ReadOnlySpan<float> Values(int row) =>
        matrix.Values.AsSpan(matrix.RowStarts[row], matrix.RowStarts[row + 1] - matrix.RowStarts[row]);
}
