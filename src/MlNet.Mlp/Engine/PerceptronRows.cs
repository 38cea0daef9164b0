using System.Runtime.CompilerServices;
using MlNet.Mlp.Kernels;

namespace MlNet.Mlp.Engine;

/// <summary>
/// The three things the perceptron does with a row of features, for each way rows are stored. The learner is generic
/// over a struct implementing this, so each storage gets its own compiled loop with no call through an interface.
/// </summary>
/// <remarks>
/// Implementations inline their operations into the pass loop, which is compiled fully optimised from its first call,
/// and call only kernels that are too. As calls of their own, these wrappers went through tiered compilation and ran
/// unoptimised through a process's first six or so Fits: on Fashion-MNIST's 12,000 byte-coded rows, 21–22 ms a Fit
/// instead of 19.
/// </remarks>
internal interface IPerceptronRows
{
    /// <summary>
    /// W·x + b for row <paramref name="row"/>: the float sum, or, where that overflowed, the saturated double sum the
    /// fitted model falls back to (<see cref="SaturatingDot"/>), so that training judges every row as the model will
    /// score it. Features near 10¹⁹ overflow the float products long before the weights overflow, and an infinite or
    /// NaN score would count as a mistake, or as right, whatever the row's label.
    /// </summary>
    float Score(ReadOnlySpan<float> weights, float bias, int row);

    /// <summary>Row <paramref name="row"/>'s scores under two weight vectors, each equal to what <see cref="Score"/> returns.</summary>
    (float First, float Second) Score2(ReadOnlySpan<float> first, float firstBias, ReadOnlySpan<float> second, float secondBias, int row);

    /// <summary><paramref name="target"/> += <paramref name="scale"/>·x for row <paramref name="row"/>.</summary>
    void AddScaled(int row, float scale, Span<float> target);

    /// <summary>
    /// <see cref="AddScaled"/> to two targets, each with its own scale; every entry as <see cref="AddScaled"/>
    /// computes it.
    /// </summary>
    void AddScaled2(int row, float scale, Span<float> target, float otherScale, Span<float> otherTarget);

    /// <summary>Asks for row <paramref name="row"/> to be brought into the cache ahead of its use.</summary>
    void Prefetch(int row);
}

/// <summary>Rows of a row-major dense matrix.</summary>
/// <remarks>
/// The products are this library's kernels, compiled fully optimised on first call: TensorPrimitives' generic ones
/// ran at tier 0 through a process's first Fits (a 569-row table's second Fit took about 50 ms instead of 7). The score
/// is the sum the fitted model computes, <see cref="MatrixVector.DotAdd"/>, so the training loss counts the mistakes
/// the model makes on the same rows.
/// </remarks>
internal readonly struct DenseRows(float[] features, int featureCount) : IPerceptronRows
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Score(ReadOnlySpan<float> weights, float bias, int row)
    {
        float score = MatrixVector.DotAdd(weights, Row(row), 0f) + bias;
        return float.IsFinite(score) ? score : Saturated(weights, bias, row);
    }

    // The second product finds the row in the L1 cache.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public (float First, float Second) Score2(ReadOnlySpan<float> first, float firstBias, ReadOnlySpan<float> second, float secondBias, int row) =>
        (Score(first, firstBias, row), Score(second, secondBias, row));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AddScaled(int row, float scale, Span<float> target) =>
        ElementwiseLoops.Map(new MultiplyAddOperator(scale), Row(row), target, target);

    // The second pass finds the row in the L1 cache.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AddScaled2(int row, float scale, Span<float> target, float otherScale, Span<float> otherTarget)
    {
        AddScaled(row, scale, target);
        AddScaled(row, otherScale, otherTarget);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Prefetch(int row) => CachePrefetch.Lines(Row(row));

    // Out of line, as in the other storages: the pass loop stays as small as it was, and no row of data at a usual
    // scale comes here.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private float Saturated(ReadOnlySpan<float> weights, float bias, int row) => SaturatingDot.Dense(weights, Row(row), bias);

    private ReadOnlySpan<float> Row(int row) => features.AsSpan(row * featureCount, featureCount);
}

/// <summary>Rows of a <see cref="SparseRowMatrix"/>: each operation touches only the row's stored values.</summary>
internal readonly struct SparseRows(SparseRowMatrix matrix) : IPerceptronRows
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Score(ReadOnlySpan<float> weights, float bias, int row)
    {
        float score = SparseVector.Dot(weights, Indices(row), Values(row)) + bias;
        return float.IsFinite(score) ? score : Saturated(weights, bias, row);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public (float First, float Second) Score2(ReadOnlySpan<float> first, float firstBias, ReadOnlySpan<float> second, float secondBias, int row) =>
        (Score(first, firstBias, row), Score(second, secondBias, row));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AddScaled(int row, float scale, Span<float> target) => SparseVector.MultiplyAddTo(Indices(row), Values(row), scale, target);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AddScaled2(int row, float scale, Span<float> target, float otherScale, Span<float> otherTarget)
    {
        AddScaled(row, scale, target);
        AddScaled(row, otherScale, otherTarget);
    }

    // Sparse rows are short and their weights scattered: the hardware prefetchers do as well as a hint would.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Prefetch(int row)
    {
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private float Saturated(ReadOnlySpan<float> weights, float bias, int row) =>
        SaturatingDot.Sparse(weights, Indices(row), Values(row), bias);

    private ReadOnlySpan<int> Indices(int row) =>
        matrix.Indices.AsSpan(matrix.RowStarts[row], matrix.RowStarts[row + 1] - matrix.RowStarts[row]);

    private ReadOnlySpan<float> Values(int row) =>
        matrix.Values.AsSpan(matrix.RowStarts[row], matrix.RowStarts[row + 1] - matrix.RowStarts[row]);
}

/// <summary>
/// Rows of a <see cref="QuantizedRowMatrix"/>: the step is applied once per row, to the dot product and to the
/// update's scale, so the loops run over the byte codes alone.
/// </summary>
internal readonly struct QuantizedRows(QuantizedRowMatrix matrix) : IPerceptronRows
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Score(ReadOnlySpan<float> weights, float bias, int row)
    {
        float score = QuantizedVector.Dot(weights, matrix.Row(row)) * matrix.Step + bias;
        return float.IsFinite(score) ? score : Saturated(weights, bias, row);
    }

    // Decoding is most of the work for a row in cache, so the two products share it.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public (float First, float Second) Score2(ReadOnlySpan<float> first, float firstBias, ReadOnlySpan<float> second, float secondBias, int row)
    {
        (float a, float b) = QuantizedVector.Dot2(first, second, matrix.Row(row));
        float firstScore = a * matrix.Step + firstBias, secondScore = b * matrix.Step + secondBias;
        // One test for both: a sum is finite only when both terms are.
        return float.IsFinite(firstScore + secondScore) ? (firstScore, secondScore)
            : (float.IsFinite(firstScore) ? firstScore : Saturated(first, firstBias, row),
               float.IsFinite(secondScore) ? secondScore : Saturated(second, secondBias, row));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AddScaled(int row, float scale, Span<float> target) => QuantizedVector.MultiplyAddTo(matrix.Row(row), scale * matrix.Step, target);

    // As in Dot2, the two updates share the decoding.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AddScaled2(int row, float scale, Span<float> target, float otherScale, Span<float> otherTarget) =>
        QuantizedVector.MultiplyAddTo2(matrix.Row(row), scale * matrix.Step, target, otherScale * matrix.Step, otherTarget);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Prefetch(int row) => CachePrefetch.Lines(matrix.Row(row));

    [MethodImpl(MethodImplOptions.NoInlining)]
    private float Saturated(ReadOnlySpan<float> weights, float bias, int row) =>
        SaturatingDot.Quantized(weights, matrix.Row(row), matrix.Step, bias);
}
