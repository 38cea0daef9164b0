namespace MlNet.Mlp.Kernels;

/// <summary>
/// Products of a dense vector with a sparse one given by its stored values: x[indices[k]] = values[k], every other
/// entry 0. The loops touch only stored values, which is what makes wide sparse rows (bag-of-words text) cheap; the
/// dense entries they reach are scattered, so there is nothing to vectorise. Indices must lie within the dense span.
/// </summary>
internal static class SparseVector
{
    /// <summary>Σₖ dense[indices[k]]·values[k], summed in index order.</summary>
    public static float Dot(ReadOnlySpan<float> dense, ReadOnlySpan<int> indices, ReadOnlySpan<float> values)
    {
        float sum = 0;
        for (int k = 0; k < indices.Length; k++)
            sum += dense[indices[k]] * values[k];
        return sum;
    }

    /// <summary>dense[indices[k]] += scale·values[k] for every stored value.</summary>
    public static void MultiplyAddTo(ReadOnlySpan<int> indices, ReadOnlySpan<float> values, float scale, Span<float> dense)
    {
        for (int k = 0; k < indices.Length; k++)
            dense[indices[k]] += scale * values[k];
    }
}
