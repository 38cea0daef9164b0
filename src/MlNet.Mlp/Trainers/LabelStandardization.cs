using MlNet.Mlp.Kernels;

namespace MlNet.Mlp.Trainers;

/// <summary>
/// How labels become network targets, per output j: target = (label_j − Means[j]) / Scales[j]. Fixed once per Fit
/// from the training set (or the model continued from) so that training and validation targets share it. Empty
/// arrays (<see cref="None"/>) leave the labels as they are: classification keeps its (0, 1) targets.
/// </summary>
internal sealed record LabelStandardization(float[] Means, float[] Scales)
{
    public static LabelStandardization None { get; } = new([], []);

    /// <summary>
    /// How far below a label entry's mean, as a fraction of its size, the standard deviation counts as constant:
    /// 2⁻²⁰, a few units in the last place of a float.
    /// </summary>
    public const double ConstantRelativeSpread = 1.0 / (1 << 20);

    /// <summary>Mean and scale (<see cref="ScaleFor"/>) of each label entry over the training rows.</summary>
    public static LabelStandardization Fit(TrainingRows data)
    {
        int width = data.LabelWidth;
        var means = new float[width];
        var scales = new float[width];
        for (int j = 0; j < width; j++)
        {
            double sum = 0, sumOfSquares = 0;
            for (int row = 0; row < data.RowCount; row++)
                sum += data.Labels[row * width + j];
            double mean = sum / data.RowCount;
            for (int row = 0; row < data.RowCount; row++)
            {
                double deviation = data.Labels[row * width + j] - mean;
                sumOfSquares += deviation * deviation;
            }
            double standardDeviation = Math.Sqrt(sumOfSquares / data.RowCount);
            means[j] = (float)mean;
            scales[j] = ScaleFor(mean, standardDeviation);
        }
        return new(means, scales);
    }

    /// <summary>
    /// The scale of a label entry: its standard deviation, however small, unless the entry is constant to float
    /// precision (a deviation of at most <see cref="ConstantRelativeSpread"/> times the mean's size); then that
    /// fraction of the mean's size, or 1 for an entry that is 0 in every row.
    /// </summary>
    /// <remarks>
    /// A constant entry's targets are all 0, and what the network outputs for them, close to 0 but not 0, comes back
    /// multiplied by the scale. With a scale of 1 a constant label of 10⁻⁶ was predicted as ±0.02, and labels whose
    /// standard deviation was below an absolute 10⁻¹² (values near 10⁻¹³) were not standardised at all. With
    /// 2⁻²⁰ of the mean the outputs land within a few units in the last place of the label.
    /// </remarks>
    public static float ScaleFor(double mean, double standardDeviation)
    {
        double constantSpread = Math.Abs(mean) * ConstantRelativeSpread;
        float deviation = (float)standardDeviation;
        if (standardDeviation > constantSpread && float.IsNormal(deviation))
            return deviation;
        float constantScale = (float)constantSpread;
        return float.IsNormal(constantScale) ? constantScale : 1f;
    }

    /// <summary>
    /// A network output back on the label's scale: output × scale + mean, multiplied then added (as the ONNX graphs
    /// do). Where that overflows float it is computed in double and saturated, so finite features never give an
    /// infinite score.
    /// </summary>
    public static float ToLabelScale(float output, float scale, float mean)
    {
        float label = output * scale + mean;
        return float.IsFinite(label) ? label : SaturatingDot.Saturate((double)output * scale + mean);
    }

    /// <summary>The standardised labels of every row, RowCount × LabelWidth values.</summary>
    public float[] Targets(TrainingRows data)
    {
        int width = data.LabelWidth;
        if (Means.Length != width)
            throw new InvalidOperationException($"The label standardisation has {Means.Length} entries but the labels {width}.");
        var targets = new float[(long)data.RowCount * width];
        for (int i = 0; i < targets.Length; i++)
            targets[i] = (data.Labels[i] - Means[i % width]) / Scales[i % width];
        return targets;
    }
}
