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
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentOutOfRangeException.ThrowIfLessThan(featureCount, 1);
        if (features.Length == 0 || features.Length % featureCount != 0)
            throw new ArgumentException($"Features must hold n×{featureCount} values with n ≥ 1; got {features.Length}.", nameof(features));
        int count = features.Length / featureCount;
        if (targets.Length == 0 || targets.Length % count != 0)
            throw new ArgumentException($"Targets must hold a whole number of values per example for {count} examples; got {targets.Length}.", nameof(targets));
        if (exampleWeights is not null && exampleWeights.Length != count)
            throw new ArgumentException($"Expected {count} example weights, got {exampleWeights.Length}.", nameof(exampleWeights));
        CheckFinite(features, featureCount, nameof(features));
        CheckFinite(targets, targets.Length / count, nameof(targets));
        if (exampleWeights is not null)
        {
            CheckFinite(exampleWeights, 1, nameof(exampleWeights));
            int negative = Array.FindIndex(exampleWeights, w => w < 0);
            if (negative >= 0)
                throw new ArgumentException($"Example weights must be ≥ 0; example {negative} has {exampleWeights[negative]}.", nameof(exampleWeights));
        }
        Features = features;
        FeatureCount = featureCount;
        Targets = targets;
        TargetWidth = targets.Length / count;
        ExampleWeights = exampleWeights;
        ExampleCount = count;
    }

    /// <summary>Features, <see cref="ExampleCount"/>×<see cref="FeatureCount"/> row-major.</summary>
    public float[] Features { get; }

    /// <summary>Number of features per example (d).</summary>
    public int FeatureCount { get; }

    /// <summary>Targets, <see cref="ExampleCount"/>×<see cref="TargetWidth"/> row-major.</summary>
    public float[] Targets { get; }

    /// <summary>Target values per example.</summary>
    public int TargetWidth { get; }

    /// <summary>Example weights, or null for all 1.</summary>
    public float[]? ExampleWeights { get; }

    /// <summary>Number of examples (n).</summary>
    public int ExampleCount { get; }

    private static void CheckFinite(float[] values, int rowLength, string name)
    {
        int bad = Array.FindIndex(values, v => !float.IsFinite(v));
        if (bad >= 0)
            throw new ArgumentException($"{name} must be finite; example {bad / rowLength} holds {values[bad]}.", name);
    }
}
