using System.Numerics.Tensors;

namespace MlNet.Mlp.Engine;

/// <summary>
/// Robust scaling with smooth clipping (Holzmüller et al. 2024, "Better by Default"): each feature becomes
/// x̂ = z / √(1 + (z/3)²) = 3t / √(1 + t²) with t = z/3 (held within ±10⁶, see <see cref="SaturationPoint"/>) and z = (x − median) / s, where s is the interquartile range q₀.₇₅ − q₀.₂₅, or half the range
/// (max − min)/2 when the quartiles coincide (a mostly constant or one-hot column), or 1 for a constant column. Unlike
/// mean/variance standardisation it is not thrown off by skewed columns or outliers: the median and quartiles ignore
/// them, and the clip maps any z smoothly into (−3, 3) while leaving |z| ≲ 1 almost unchanged. Being nonlinear, it
/// cannot be folded into the first layer: a network keeps it as its input stage (<see cref="MlpNetwork.InputScaling"/>).
/// </summary>
public sealed class RobustFeatureScaling
{
    /// <summary>τ in z / √(1 + (z/τ)²): outputs stay inside (−τ, τ).</summary>
    public const float ClipBound = 3f;

    /// <summary>
    /// |z/τ| is held at or below this before squaring, so that huge inputs saturate at ±τ instead of overflowing to
    /// ∞/∞: beyond it t/√(1 + t²) rounds to ±1 in float anyway.
    /// </summary>
    public const float SaturationPoint = 1e6f;

    private readonly float[] _center;
    private readonly float[] _scale;
    private readonly float[] _inverseScale;

    /// <summary>Wraps per-feature centres and scales (e.g. read from a model file).</summary>
    /// <exception cref="ArgumentException">The lengths differ, a centre is not finite or a scale is not positive and finite.</exception>
    public RobustFeatureScaling(ReadOnlySpan<float> center, ReadOnlySpan<float> scale)
    {
        if (center.Length != scale.Length || center.Length == 0)
            throw new ArgumentException($"Expected as many scales as centres (at least one); got {center.Length} centres and {scale.Length} scales.", nameof(scale));
        for (int i = 0; i < center.Length; i++)
        {
            if (!float.IsFinite(center[i]))
                throw new ArgumentException($"Centre {i} is {center[i]}; centres must be finite.", nameof(center));
            if (!(scale[i] > 0) || !float.IsFinite(scale[i]))
                throw new ArgumentException($"Scale {i} is {scale[i]}; scales must be positive and finite.", nameof(scale));
        }
        _center = center.ToArray();
        _scale = scale.ToArray();
        _inverseScale = _scale.Select(s => 1f / s).ToArray();
    }

    /// <summary>The number of features.</summary>
    public int FeatureCount => _center.Length;

    /// <summary>Per-feature centres (medians).</summary>
    public ReadOnlySpan<float> Center => _center;

    /// <summary>Per-feature scales s.</summary>
    public ReadOnlySpan<float> Scale => _scale;

    /// <summary>
    /// Measures the median and quartiles of every feature over the first <paramref name="rowCount"/> rows, each row
    /// counted with its example weight (as that many copies), or once without weights. A weighted quantile q is the
    /// smallest value whose cumulative weight reaches q of the total.
    /// </summary>
    public static RobustFeatureScaling Fit(ReadOnlySpan<float> features, int featureCount, int rowCount, ReadOnlySpan<float> exampleWeights = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(featureCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(rowCount, 1);
        var center = new float[featureCount];
        var scale = new float[featureCount];
        var column = new float[rowCount];
        var weights = new float[rowCount];
        for (int i = 0; i < featureCount; i++)
        {
            for (int row = 0; row < rowCount; row++)
            {
                column[row] = features[row * featureCount + i];
                weights[row] = exampleWeights.IsEmpty ? 1f : exampleWeights[row];
            }
            Array.Sort(column, weights);
            double total = 0;
            foreach (float w in weights)
                total += w;
            if (!(total > 0))
                throw new ArgumentException("The example weights sum to zero.", nameof(exampleWeights));
            float q1 = Quantile(column, weights, total, 0.25), median = Quantile(column, weights, total, 0.5), q3 = Quantile(column, weights, total, 0.75);
            float halfRange = (column[^1] - column[0]) / 2;
            center[i] = median;
            scale[i] = q3 - q1 > 0 && float.IsFinite(q3 - q1) ? q3 - q1 : halfRange > 0 && float.IsFinite(halfRange) ? halfRange : 1f;
        }
        return new RobustFeatureScaling(center, scale);
    }

    private static float Quantile(float[] sorted, float[] weights, double total, double q)
    {
        double target = q * total, cumulative = 0;
        for (int k = 0; k < sorted.Length; k++)
        {
            cumulative += weights[k];
            if (cumulative >= target && weights[k] > 0)
                return sorted[k];
        }
        return sorted[^1];
    }

    /// <summary>Scales and clips the first <paramref name="rowCount"/> rows in place.</summary>
    public void ApplyInPlace(Span<float> features, int rowCount)
    {
        for (int row = 0; row < rowCount; row++)
            Apply(features.Slice(row * FeatureCount, FeatureCount), features.Slice(row * FeatureCount, FeatureCount));
    }

    /// <summary>x̂ = τ·t / √(1 + t²), t = clamp(z/τ, ±10⁶), z = (x − centre)·(1/scale), for one row; <paramref name="destination"/> may be <paramref name="source"/>.</summary>
    public void Apply(ReadOnlySpan<float> source, Span<float> destination)
    {
        if (source.Length != FeatureCount || destination.Length < FeatureCount)
            throw new ArgumentException($"Expected a row of {FeatureCount} features; got {source.Length}.", nameof(source));
        destination = destination[..FeatureCount];
        TensorPrimitives.Subtract(source, _center, destination);
        TensorPrimitives.Multiply(destination, _inverseScale, destination);
        for (int i = 0; i < destination.Length; i++)
        {
            float t = Math.Clamp(destination[i] * (1f / ClipBound), -SaturationPoint, SaturationPoint);
            destination[i] = ClipBound * t / MathF.Sqrt(1f + t * t);
        }
    }
}
