using System.Numerics.Tensors;

namespace MlNet.Mlp.Kernels;

/// <summary>Numerically stable softmax and log-sum-exp over one row of logits.</summary>
/// <remarks>
/// Both subtract the row maximum m before exponentiating (softmax(z) = softmax(z − m),
/// log Σ e^z = m + log Σ e^(z−m)), so no exponent exceeds 0 and nothing overflows for any finite logits.
/// </remarks>
public static class Softmax
{
    /// <summary>p_j = e^(z_j − m) / Σ_k e^(z_k − m), m = max_k z_k. <paramref name="probabilities"/> may be
    /// <paramref name="logits"/> itself.</summary>
    public static void Row(ReadOnlySpan<float> logits, Span<float> probabilities)
    {
        Activations.CheckLengths(logits.Length, probabilities.Length);
        probabilities = probabilities[..logits.Length];
        float max = TensorPrimitives.Max(logits);
        TensorPrimitives.Subtract(logits, max, probabilities);
        TensorPrimitives.Exp(probabilities, probabilities);
        // The largest term is exactly e^0 = 1, so the sum is ≥ 1 and the division is safe.
        float sum = TensorPrimitives.Sum(probabilities);
        TensorPrimitives.Multiply(probabilities, 1f / sum, probabilities);
    }

    /// <summary>log Σ_j e^(z_j) = m + log Σ_j e^(z_j − m), computed in double after the shift.</summary>
    public static double LogSumExp(ReadOnlySpan<float> logits)
    {
        float max = TensorPrimitives.Max(logits);
        double sum = 0.0;
        foreach (float z in logits)
            sum += Math.Exp(z - max);
        return max + Math.Log(sum);
    }
}
