using Xunit;
using Xunit.Abstractions;

namespace MlNet.Mlp.Tests.Onnx;

/// <summary>
/// The exported multi-label PredictedLabel is logit &gt; <see cref="MlpMultiLabelModelParameters.PredictedLabelLogitThreshold"/>;
/// ML.NET's scorer computes σ(logit) &gt; 0.5 in float. These must agree for every float, not just away from the boundary.
/// </summary>
public class MultiLabelPredictedLabelThresholdTests(ITestOutputHelper output)
{
    private static readonly float Threshold = MlpMultiLabelModelParameters.PredictedLabelLogitThreshold;

    [Fact]
    public void Every_float_near_the_threshold_is_labelled_as_the_scorer_labels_it()
    {
        output.WriteLine($"threshold {Threshold:R} (bits 0x{BitConverter.SingleToInt32Bits(Threshold):X8})");
        Assert.True(Threshold >= 0 && Threshold < 1e-6f, $"threshold {Threshold:R}");
        // 2²² floats either side: every logit from about 0 to 3·10⁻⁷ where the float rounding of σ decides.
        int centre = BitConverter.SingleToInt32Bits(Threshold);
        for (int bits = Math.Max(0, centre - (1 << 22)); bits <= centre + (1 << 22); bits++)
            AssertAgrees(BitConverter.Int32BitsToSingle(bits));
    }

    [Fact]
    public void Floats_across_the_whole_range_and_special_values_are_labelled_as_the_scorer_labels_them()
    {
        // Every 4096th bit pattern: all positive floats and all negative floats, through ±∞ and some NaNs.
        for (long bits = 0; bits <= uint.MaxValue; bits += 4096)
            AssertAgrees(BitConverter.Int32BitsToSingle(unchecked((int)(uint)bits)));
        foreach (float special in new[] { 0f, -0f, float.Epsilon, -float.Epsilon, float.MaxValue, float.MinValue, float.PositiveInfinity, float.NegativeInfinity, float.NaN })
            AssertAgrees(special);
    }

    private static void AssertAgrees(float logit)
    {
        if (MlpMultiLabelModelParameters.IsPredictedTrue(logit) != logit > Threshold)
            Assert.Fail($"logit {logit:R}: scorer says {MlpMultiLabelModelParameters.IsPredictedTrue(logit)}, threshold {Threshold:R} says {logit > Threshold}");
    }
}
