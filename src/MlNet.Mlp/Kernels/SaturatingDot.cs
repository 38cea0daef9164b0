namespace MlNet.Mlp.Kernels;

/// <summary>
/// w·x + b in double precision, rounded to float with saturation: the fallback scoring uses when the float dot
/// product overflowed. Any product of two finite floats (at most 1.2·10⁷⁷) and any sum of 2³¹ of them lie far inside
/// double's range, so for finite inputs the double result is finite (as accurate as a double sum of those terms); a value beyond float's range then
/// becomes ±<see cref="float.MaxValue"/> instead of ±∞, so the layers after it never meet ∞ − ∞ (NaN). NaN stays NaN.
/// </summary>
/// <remarks>
/// Scalar on purpose: it runs only for a pre-activation whose fast float sum came out non-finite (huge weights or
/// inputs), never in training, so its speed does not matter and the plain loop is its own reference.
/// </remarks>
internal static class SaturatingDot
{
    /// <summary>Σᵢ w[i]·x[i] + b over dense spans of equal length.</summary>
    public static float Dense(ReadOnlySpan<float> weights, ReadOnlySpan<float> x, float bias)
    {
        if (weights.Length != x.Length)
            throw new ArgumentException($"{weights.Length} weights but {x.Length} inputs.", nameof(x));
        double sum = bias;
        for (int i = 0; i < weights.Length; i++)
            sum += (double)weights[i] * x[i];
        return Saturate(sum);
    }

    /// <summary>Σₖ w[indices[k]]·values[k] + b for a sparse x (indices within <paramref name="weights"/>).</summary>
    public static float Sparse(ReadOnlySpan<float> weights, ReadOnlySpan<int> indices, ReadOnlySpan<float> values, float bias)
    {
        double sum = bias;
        for (int k = 0; k < indices.Length; k++)
            sum += (double)weights[indices[k]] * values[k];
        return Saturate(sum);
    }

    /// <summary>Σᵢ w[i]·(codes[i]·step) + b for a byte-coded x (<see cref="QuantizedVector"/>), each entry decoded as a float.</summary>
    public static float Quantized(ReadOnlySpan<float> weights, ReadOnlySpan<byte> codes, float step, float bias)
    {
        if (weights.Length != codes.Length)
            throw new ArgumentException($"{weights.Length} weights but {codes.Length} inputs.", nameof(codes));
        double sum = bias;
        for (int i = 0; i < weights.Length; i++)
            sum += (double)weights[i] * (codes[i] * step);
        return Saturate(sum);
    }

    /// <summary>A double rounded to float, ±∞ and values beyond float's range clamped to ±<see cref="float.MaxValue"/>.</summary>
    public static float Saturate(double value) => (float)Math.Clamp(value, -float.MaxValue, float.MaxValue);
}
