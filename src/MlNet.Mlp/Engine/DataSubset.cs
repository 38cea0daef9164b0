using MlNet.Mlp.Kernels;

namespace MlNet.Mlp.Engine;

/// <summary>A subset of a <see cref="TrainingData"/> given by example indices (no copying).</summary>
internal sealed record DataSubset(TrainingData Data, int[] Indices)
{
    public static DataSubset All(TrainingData data) => new(data, Enumerable.Range(0, data.ExampleCount).ToArray());

    public int Count => Indices.Length;

    /// <summary>Copies the examples <paramref name="positions"/> (positions in <see cref="Indices"/>) into contiguous batch buffers.</summary>
    public void Gather(ReadOnlySpan<int> positions, Span<float> features, Span<float> targets, Span<float> weights)
    {
        int d = Data.FeatureCount, t = Data.TargetWidth;
        for (int r = 0; r < positions.Length; r++)
        {
            int example = Indices[positions[r]];
            // Shuffled rows start where no hardware prefetcher looks: fetch the next one while copying this one.
            if (r + 1 < positions.Length)
                CachePrefetch.Lines(Data.Features.AsSpan(Indices[positions[r + 1]] * d, d));
            Data.Features.AsSpan(example * d, d).CopyTo(features.Slice(r * d, d));
            Data.Targets.AsSpan(example * t, t).CopyTo(targets.Slice(r * t, t));
            if (Data.ExampleWeights is { } exampleWeights)
                weights[r] = exampleWeights[example];
        }
    }
}
