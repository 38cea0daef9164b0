namespace MlNet.Mlp.Kernels;

/// <summary>
/// Plain scalar definitions of the elementwise kernels (<see cref="Activations"/>, <see cref="Softmax"/>,
/// <see cref="Bias"/>, <see cref="MatrixVector"/>, <see cref="OptimizerKernels"/>, <see cref="Kernels.SmoothClip"/>), computed in double where it matters. Tests compare the
/// vectorised kernels against them; they are never used for training.
/// </summary>
internal static class KernelReference
{
    public static void Sigmoid(ReadOnlySpan<float> a, Span<float> h)
    {
        for (int i = 0; i < a.Length; i++)
            h[i] = (float)(a[i] >= 0 ? 1.0 / (1.0 + Math.Exp(-a[i])) : Math.Exp(a[i]) / (1.0 + Math.Exp(a[i])));
    }

    public static void Tanh(ReadOnlySpan<float> a, Span<float> h)
    {
        for (int i = 0; i < a.Length; i++)
            h[i] = (float)Math.Tanh(a[i]);
    }

    public static void Relu(ReadOnlySpan<float> a, Span<float> h)
    {
        for (int i = 0; i < a.Length; i++)
            h[i] = a[i] > 0 ? a[i] : 0f;
    }

    public static void HardTanh(ReadOnlySpan<float> a, Span<float> h)
    {
        for (int i = 0; i < a.Length; i++)
            h[i] = a[i] < -1f ? -1f : a[i] > 1f ? 1f : a[i];
    }

    public static void Sign(ReadOnlySpan<float> a, Span<float> h)
    {
        for (int i = 0; i < a.Length; i++)
            h[i] = a[i] >= 0 ? 1f : -1f;
    }

    public static void SigmoidBackward(ReadOnlySpan<float> h, Span<float> g)
    {
        for (int i = 0; i < h.Length; i++)
            g[i] = (float)(g[i] * (double)h[i] * (1.0 - h[i]));
    }

    public static void TanhBackward(ReadOnlySpan<float> h, Span<float> g)
    {
        for (int i = 0; i < h.Length; i++)
            g[i] = (float)(g[i] * (1.0 - (double)h[i] * h[i]));
    }

    public static void ReluBackward(ReadOnlySpan<float> h, Span<float> g)
    {
        for (int i = 0; i < h.Length; i++)
            if (h[i] <= 0)
                g[i] = 0f;
    }

    public static void HardTanhBackward(ReadOnlySpan<float> h, Span<float> g)
    {
        for (int i = 0; i < h.Length; i++)
            if (h[i] <= -1f || h[i] >= 1f)
                g[i] = 0f;
    }

    public static void SmoothClip(ReadOnlySpan<float> x, Span<float> y, float bound, float saturation)
    {
        for (int i = 0; i < x.Length; i++)
        {
            double t = Math.Clamp(x[i] / (double)bound, -saturation, saturation);
            y[i] = (float)(bound * t / Math.Sqrt(1 + t * t));
        }
    }

    public static void SoftmaxRow(ReadOnlySpan<float> z, Span<float> p)
    {
        double lse = LogSumExp(z);
        for (int i = 0; i < z.Length; i++)
            p[i] = (float)Math.Exp(z[i] - lse);
    }

    public static void SoftmaxRowBackward(ReadOnlySpan<float> p, Span<float> g)
    {
        double projection = 0;
        for (int i = 0; i < p.Length; i++)
            projection += (double)g[i] * p[i];
        for (int i = 0; i < p.Length; i++)
            g[i] = (float)(p[i] * (g[i] - projection));
    }

    public static double LogSumExp(ReadOnlySpan<float> z)
    {
        double max = double.NegativeInfinity;
        foreach (float x in z)
            max = Math.Max(max, x);
        double sum = 0;
        foreach (float x in z)
            sum += Math.Exp(x - max);
        return max + Math.Log(sum);
    }

    public static void AddToRows(Span<float> z, int rows, int ldz, ReadOnlySpan<float> bias)
    {
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < bias.Length; j++)
                z[i * ldz + j] += bias[j];
    }

    public static void SumRows(ReadOnlySpan<float> g, int rows, int ldg, Span<float> sums)
    {
        for (int j = 0; j < sums.Length; j++)
        {
            double s = 0;
            for (int i = 0; i < rows; i++)
                s += g[i * ldg + j];
            sums[j] = (float)s;
        }
    }

    public static void MomentumStep(Span<float> w, ReadOnlySpan<float> g, Span<float> delta, float eta, float alpha)
    {
        for (int i = 0; i < w.Length; i++)
        {
            delta[i] = (float)((double)eta * g[i] + (double)alpha * delta[i]);
            w[i] = (float)((double)w[i] - delta[i]);
        }
    }

    public static void NesterovStep(Span<float> w, ReadOnlySpan<float> g, Span<float> delta, float eta, float alpha)
    {
        for (int i = 0; i < w.Length; i++)
        {
            double step = (double)eta * g[i];
            delta[i] = (float)(step + (double)alpha * delta[i]);
            w[i] = (float)(w[i] - (step + (double)alpha * delta[i]));
        }
    }

    public static void AdamStep(Span<float> w, ReadOnlySpan<float> g, Span<float> m, Span<float> v,
        float stepSize, float beta1, float beta2, float secondMomentCorrection, float epsilon, float decay = 1f)
    {
        for (int i = 0; i < w.Length; i++)
        {
            m[i] = (float)((double)beta1 * m[i] + (1.0 - beta1) * g[i]);
            v[i] = (float)((double)beta2 * v[i] + (1.0 - beta2) * (double)g[i] * g[i]);
            w[i] = (float)((double)w[i] * decay - (double)stepSize * m[i] / (Math.Sqrt((double)v[i] * secondMomentCorrection) + epsilon));
        }
    }

    /// <summary>y[j] = Σₖ W[j, k]·x[k] + b[j] for a row-major W, summed in double.</summary>
    public static double[] MatrixVectorMultiplyAdd(ReadOnlySpan<float> weights, ReadOnlySpan<float> x, ReadOnlySpan<float> bias)
    {
        var y = new double[bias.Length];
        for (int j = 0; j < y.Length; j++)
        {
            double sum = bias[j];
            for (int k = 0; k < x.Length; k++)
                sum += (double)weights[j * x.Length + k] * x[k];
            y[j] = sum;
        }
        return y;
    }

    public static double QuantizedDot(ReadOnlySpan<float> dense, ReadOnlySpan<byte> codes)
    {
        double sum = 0;
        for (int i = 0; i < codes.Length; i++)
            sum += (double)dense[i] * codes[i];
        return sum;
    }

    public static void QuantizedMultiplyAdd(ReadOnlySpan<byte> codes, float scale, Span<float> dense)
    {
        for (int i = 0; i < codes.Length; i++)
            dense[i] = (float)(dense[i] + (double)scale * codes[i]);
    }

    /// <summary>The encoder's contract: code k where k·step, rounded to float, is the value or its float neighbour.</summary>
    public static bool QuantizedEncode(ReadOnlySpan<float> values, float step, Span<byte> codes)
    {
        for (int i = 0; i < values.Length; i++)
        {
            float value = values[i];
            if (!(value >= 0) || float.IsNegative(value) || !float.IsFinite(value))
                return false;
            long k = (long)Math.Round((double)value / step);
            if (k > byte.MaxValue)
                return false;
            float decoded = k * step;
            if (decoded != value && decoded != MathF.BitIncrement(value) && decoded != MathF.BitDecrement(value))
                return false;
            codes[i] = (byte)k;
        }
        return true;
    }
}
