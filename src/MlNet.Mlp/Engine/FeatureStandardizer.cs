using MlNet.Mlp.Kernels;

namespace MlNet.Mlp.Engine;

/// <summary>
/// Centres and scales each feature to mean 0 and standard deviation 1 over a training set — the course notes' input
/// normalisation against vanishing gradients. Training runs on standardised features; afterwards the transform is
/// folded into the first layer (<see cref="ToRawSpace"/>), so the trained network takes the raw features.
/// </summary>
/// <remarks>
/// Folding: with x̂ = (x − μ)/σ, W·x̂ + b = (W/σ)·x + (b − W·(μ/σ)). A feature with (numerically) zero spread keeps
/// scale 1, so it is only centred.
/// </remarks>
public sealed class FeatureStandardizer
{
    private readonly double[] _mean;
    private readonly double[] _scale;

    private FeatureStandardizer(double[] mean, double[] scale, int rareFeatureCount)
    {
        _mean = mean;
        _scale = scale;
        RareFeatureCount = rareFeatureCount;
    }

    /// <summary>Per-feature means.</summary>
    public IReadOnlyList<double> Mean => _mean;

    /// <summary>Per-feature standard deviations (1 where a feature is constant).</summary>
    public IReadOnlyList<double> Scale => _scale;

    /// <summary>How many features were left as they are for being non-zero in too few rows (see <see cref="Fit"/>).</summary>
    public int RareFeatureCount { get; }

    /// <summary>
    /// Measures mean and standard deviation of every feature over the first <paramref name="rowCount"/> rows, each row
    /// counted with its example weight (so a row of weight 2 counts as two copies), or 1 without weights.
    /// </summary>
    /// <param name="features">rowCount × featureCount values, row-major.</param>
    /// <param name="featureCount">Features per row.</param>
    /// <param name="rowCount">Rows to measure.</param>
    /// <param name="exampleWeights">A weight per row, or empty for 1.</param>
    /// <param name="minimumNonZeroShare">
    /// Features that are non-zero in a smaller (weighted) share of the rows are left as they are (mean 0, scale 1):
    /// for sparse data such as text, where scaling a rare feature by its tiny deviation turns its few occurrences
    /// into huge inputs, while the dense columns beside it (numbers concatenated with one-hot codes) still get
    /// standardised. 0, the default, standardises every feature.
    /// </param>
    public static FeatureStandardizer Fit(ReadOnlySpan<float> features, int featureCount, int rowCount, ReadOnlySpan<float> exampleWeights = default,
        double minimumNonZeroShare = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(featureCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(rowCount, 1);
        var mean = new double[featureCount];
        var scale = new double[featureCount];
        var nonZeroWeight = new double[featureCount];
        double totalWeight = 0;
        for (int row = 0; row < rowCount; row++)
        {
            double weight = exampleWeights.IsEmpty ? 1 : exampleWeights[row];
            totalWeight += weight;
            ReadOnlySpan<float> x = features.Slice(row * featureCount, featureCount);
            for (int i = 0; i < featureCount; i++)
            {
                mean[i] += weight * x[i];
                nonZeroWeight[i] += x[i] != 0 ? weight : 0;
            }
        }
        if (!(totalWeight > 0))
            throw new ArgumentException("The example weights sum to zero.", nameof(exampleWeights));
        for (int i = 0; i < featureCount; i++)
            mean[i] /= totalWeight;
        // A second pass around the mean: the one-pass E[x²] − E[x]² form cancels badly for large offsets.
        for (int row = 0; row < rowCount; row++)
        {
            double weight = exampleWeights.IsEmpty ? 1 : exampleWeights[row];
            ReadOnlySpan<float> x = features.Slice(row * featureCount, featureCount);
            for (int i = 0; i < featureCount; i++)
            {
                double d = x[i] - mean[i];
                scale[i] += weight * d * d;
            }
        }
        int rareFeatureCount = 0;
        for (int i = 0; i < featureCount; i++)
        {
            double deviation = Math.Sqrt(scale[i] / totalWeight);
            // Below float round-off of the mean the spread is noise: such a feature is constant and keeps scale 1.
            scale[i] = deviation > Math.Max(1e-5 * Math.Abs(mean[i]), 1e-30) && double.IsFinite(deviation) ? deviation : 1.0;
            if (nonZeroWeight[i] < minimumNonZeroShare * totalWeight)
            {
                (mean[i], scale[i]) = (0, 1);
                rareFeatureCount++;
            }
        }
        return new FeatureStandardizer(mean, scale, rareFeatureCount);
    }

    /// <summary>Replaces every feature x of the first <paramref name="rowCount"/> rows by (x − μ)/σ.</summary>
    public void StandardizeInPlace(Span<float> features, int rowCount)
    {
        int featureCount = _mean.Length;
        var mean = new float[featureCount];
        var inverseScale = new float[featureCount];
        for (int i = 0; i < featureCount; i++)
        {
            mean[i] = (float)_mean[i];
            inverseScale[i] = (float)(1.0 / _scale[i]);
        }
        for (int row = 0; row < rowCount; row++)
        {
            Span<float> x = features.Slice(row * featureCount, featureCount);
            ElementwiseLoops.Map(new SubtractOperator(), x, mean, x);
            ElementwiseLoops.Map(new MultiplyOperator(), x, inverseScale, x);
        }
    }

    /// <summary>A network on raw features equivalent to <paramref name="standardizedNetwork"/> on standardised ones.</summary>
    public MlpNetwork ToRawSpace(MlpNetwork standardizedNetwork) =>
        WithFirstLayer(standardizedNetwork, (w, i) => w / _scale[i], (w, i) => -w * _mean[i] / _scale[i]);

    /// <summary>The inverse of <see cref="ToRawSpace"/>: a network on standardised features, e.g. to continue training.</summary>
    public MlpNetwork ToStandardizedSpace(MlpNetwork rawNetwork) =>
        WithFirstLayer(rawNetwork, (w, i) => w * _scale[i], (w, i) => w * _mean[i]);

    /// <summary>
    /// Rebuilds the first layer with weights W'ⱼᵢ = weight(Wⱼᵢ, i) and biases b'ⱼ = bⱼ + Σᵢ biasShift(Wⱼᵢ, i), in double.
    /// </summary>
    private MlpNetwork WithFirstLayer(MlpNetwork network, Func<double, int, double> weight, Func<double, int, double> biasShift)
    {
        ArgumentNullException.ThrowIfNull(network);
        if (network.InputCount != _mean.Length)
            throw new ArgumentException($"The network takes {network.InputCount} features; the standardizer was fitted on {_mean.Length}.", nameof(network));
        DenseLayer first = network.Layers[0];
        int inputs = first.InputCount;
        ReadOnlySpan<float> weights = first.Weights;
        var newWeights = new float[weights.Length];
        var newBias = new float[first.OutputCount];
        for (int j = 0; j < first.OutputCount; j++)
        {
            double bias = first.Bias[j];
            for (int i = 0; i < inputs; i++)
            {
                double w = weights[j * inputs + i];
                newWeights[j * inputs + i] = (float)weight(w, i);
                bias += biasShift(w, i);
            }
            newBias[j] = (float)bias;
        }
        var layer = new DenseLayer(inputs, first.OutputCount, first.Activation, newWeights, newBias);
        return new MlpNetwork(network.Layers.Skip(1).Prepend(layer));
    }
}
