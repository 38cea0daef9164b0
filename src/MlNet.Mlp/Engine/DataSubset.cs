using System.Runtime.CompilerServices;
using MlNet.Mlp.Kernels;

namespace MlNet.Mlp.Engine;

/// <summary>A subset of a <see cref="TrainingData"/> given by example indices (no copying).</summary>
internal sealed record DataSubset(TrainingData Data, int[] Indices)
{
    public static DataSubset All(TrainingData data) => new(data, Enumerable.Range(0, data.ExampleCount).ToArray());

    public int Count => Indices.Length;

    /// <summary>
    /// Copies the examples <paramref name="positions"/> (positions in <see cref="Indices"/>) into contiguous batch
    /// buffers, the rows split over up to <paramref name="numberOfThreads"/> threads.
    /// </summary>
    public unsafe void Gather(ReadOnlySpan<int> positions, Span<float> features, Span<float> targets, Span<float> weights, int numberOfThreads = 1)
    {
        int d = Data.FeatureCount, t = Data.TargetWidth;
        if (features.Length < positions.Length * d || targets.Length < positions.Length * t
            || (Data.ExampleWeights is not null && weights.Length < positions.Length))
            throw new ArgumentException($"The batch buffers are too short for {positions.Length} examples.");
        fixed (int* positionPointer = positions)
        fixed (float* featurePointer = features)
        fixed (float* targetPointer = targets)
        fixed (float* weightPointer = weights)
        {
            var job = new GatherRows(this, positionPointer, featurePointer, targetPointer, weightPointer);
            // A range of rows is worth a thread when it copies at least a few thousand floats.
            int minimumRows = ParallelElementwise.MinimumItems(d);
            ParallelRanges.Run(ref job, positions.Length, numberOfThreads, minimumRows, alignment: 1);
        }
    }

    /// <summary>Copies the examples at positions [start, end) of the batch.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private unsafe void CopyRows(int* positions, int start, int end, float* features, float* targets, float* weights)
    {
        int d = Data.FeatureCount, t = Data.TargetWidth;
        for (int r = start; r < end; r++)
        {
            int example = Indices[positions[r]];
            // Shuffled rows start where no hardware prefetcher looks: fetch the next one while copying this one.
            if (r + 1 < end)
                CachePrefetch.Lines(Data.Features.AsSpan(Indices[positions[r + 1]] * d, d));
            Data.Features.AsSpan(example * d, d).CopyTo(new Span<float>(features + (long)r * d, d));
            Data.Targets.AsSpan(example * t, t).CopyTo(new Span<float>(targets + (long)r * t, t));
            if (Data.ExampleWeights is { } exampleWeights)
                weights[r] = exampleWeights[example];
        }
    }

    private readonly unsafe struct GatherRows(DataSubset subset, int* positions, float* features, float* targets, float* weights) : IRangeJob
    {
        public void Run(int start, int end) => subset.CopyRows(positions, start, end, features, targets, weights);
    }
}
