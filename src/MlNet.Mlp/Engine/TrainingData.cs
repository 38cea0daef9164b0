using MlNet.Mlp.Kernels;

namespace MlNet.Mlp.Engine;

/// <summary>
/// Examples for training or validation, held by reference (not copied): features n×d row-major, targets n×t
/// row-major (t = 1 class index per row for <see cref="LossFunction.SoftmaxCrossEntropy"/>, else the network's
/// output count; see <see cref="LossFunction"/>), optional example weights n.
/// </summary>
public sealed class TrainingData
{
    /// <summary>Wraps the arrays after checking their shapes and that every value is finite.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="featureCount"/> is not positive.</exception>
    /// <exception cref="ArgumentException">Lengths do not fit n×d / n×t / n, a value is NaN or ∞, or a weight is negative.</exception>
    public TrainingData(float[] features, int featureCount, float[] targets, float[]? exampleWeights = null)
        : this(features, featureCount, ExampleCountOf(features, featureCount), targets,
            TargetWidthOf(targets, ExampleCountOf(features, featureCount)), exampleWeights)
    {
        int count = ExampleCount;
        if (features.Length != count * featureCount || targets.Length != count * TargetWidth)
            throw new ArgumentException("Features and targets must not hold values beyond the last example.", nameof(features));
        if (exampleWeights is not null && exampleWeights.Length != count)
            throw new ArgumentException($"Expected {count} example weights, got {exampleWeights.Length}.", nameof(exampleWeights));
    }

    /// <summary>
    /// Wraps the first <paramref name="exampleCount"/> examples of arrays that may be longer, such as arrays grown
    /// while reading a source of unknown length: using them as they are avoids a trimming copy of the features.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A count or width is not positive.</exception>
    /// <exception cref="ArgumentException">An array is too short, a used value is NaN or ∞, or a used weight is negative.</exception>
    public TrainingData(float[] features, int featureCount, int exampleCount, float[] targets, int targetWidth, float[]? exampleWeights = null)
        : this(features, featureCount, exampleCount, targets, targetWidth, exampleWeights, featuresCheckedFinite: false)
    {
    }

    /// <summary>
    /// As the public constructor, for features that the caller has already found finite row by row as it read them
    /// (the trainers' reader skips any row that is not): a second scan of a large set (188 MB for Fashion-MNIST)
    /// would cost a hundredth of a second and find nothing. Targets and weights are still checked.
    /// </summary>
    internal static TrainingData FromCheckedFeatures(float[] features, int featureCount, int exampleCount, float[] targets, int targetWidth,
        float[]? exampleWeights) =>
        new(features, featureCount, exampleCount, targets, targetWidth, exampleWeights, featuresCheckedFinite: true);

    private TrainingData(float[] features, int featureCount, int exampleCount, float[] targets, int targetWidth, float[]? exampleWeights,
        bool featuresCheckedFinite)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentOutOfRangeException.ThrowIfLessThan(featureCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(exampleCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(targetWidth, 1);
        if (features.Length < (long)exampleCount * featureCount)
            throw new ArgumentException($"Features must hold {exampleCount}×{featureCount} values; got {features.Length}.", nameof(features));
        if (targets.Length < (long)exampleCount * targetWidth)
            throw new ArgumentException($"Targets must hold {exampleCount}×{targetWidth} values; got {targets.Length}.", nameof(targets));
        if (exampleWeights is not null && exampleWeights.Length < exampleCount)
            throw new ArgumentException($"Expected {exampleCount} example weights, got {exampleWeights.Length}.", nameof(exampleWeights));
        if (!featuresCheckedFinite)
            CheckFinite(features.AsSpan(0, exampleCount * featureCount), featureCount, nameof(features));
        CheckFinite(targets.AsSpan(0, exampleCount * targetWidth), targetWidth, nameof(targets));
        if (exampleWeights is not null)
        {
            ReadOnlySpan<float> used = exampleWeights.AsSpan(0, exampleCount);
            CheckFinite(used, 1, nameof(exampleWeights));
            int negative = used.IndexOfAnyInRange(float.NegativeInfinity, -float.Epsilon);
            if (negative >= 0)
                throw new ArgumentException($"Example weights must be ≥ 0; example {negative} has {exampleWeights[negative]}.", nameof(exampleWeights));
        }
        Features = features;
        FeatureCount = featureCount;
        Targets = targets;
        TargetWidth = targetWidth;
        ExampleWeights = exampleWeights;
        ExampleCount = exampleCount;
    }

    /// <summary>Features, <see cref="ExampleCount"/>×<see cref="FeatureCount"/> row-major; the array may be longer.</summary>
    public float[] Features { get; }

    /// <summary>Number of features per example (d).</summary>
    public int FeatureCount { get; }

    /// <summary>Targets, <see cref="ExampleCount"/>×<see cref="TargetWidth"/> row-major; the array may be longer.</summary>
    public float[] Targets { get; }

    /// <summary>Target values per example.</summary>
    public int TargetWidth { get; }

    /// <summary>Example weights (the first <see cref="ExampleCount"/> are used), or null for all 1.</summary>
    public float[]? ExampleWeights { get; }

    /// <summary>Number of examples (n).</summary>
    public int ExampleCount { get; }

    private static int ExampleCountOf(float[] features, int featureCount)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentOutOfRangeException.ThrowIfLessThan(featureCount, 1);
        if (features.Length == 0 || features.Length % featureCount != 0)
            throw new ArgumentException($"Features must hold n×{featureCount} values with n ≥ 1; got {features.Length}.", nameof(features));
        return features.Length / featureCount;
    }

    private static int TargetWidthOf(float[] targets, int count)
    {
        ArgumentNullException.ThrowIfNull(targets);
        if (targets.Length == 0 || targets.Length % count != 0)
            throw new ArgumentException($"Targets must hold a whole number of values per example for {count} examples; got {targets.Length}.", nameof(targets));
        return targets.Length / count;
    }

    private static void CheckFinite(ReadOnlySpan<float> values, int rowLength, string name)
    {
        int i = FiniteValues.IndexOfNonFinite(values);
        if (i >= 0)
            throw new ArgumentException($"{name} must be finite; example {i / rowLength} holds {values[i]}.", name);
    }
}
