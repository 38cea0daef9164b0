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

    /// <summary>Mean and standard deviation of each label entry over the training rows (scale 1 for a constant entry).</summary>
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
            scales[j] = standardDeviation > 1e-12 && double.IsFinite(standardDeviation) ? (float)standardDeviation : 1f;
        }
        return new(means, scales);
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
