using MlNet.Mlp.Trainers;
using Xunit;

namespace MlNet.Mlp.Tests.Trainers;

/// <summary>Mapping network outputs back to the label's scale, shared by the regression and multi-output models.</summary>
public class LabelStandardizationTests
{
    [Fact]
    public void Outputs_are_multiplied_by_the_scale_then_shifted_by_the_mean()
    {
        Assert.Equal(1.5f * 2.5f + 100f, LabelStandardization.ToLabelScale(1.5f, 2.5f, 100f));
        Assert.Equal(-0.25f * 4f - 3f, LabelStandardization.ToLabelScale(-0.25f, 4f, -3f));
    }

    [Theory]
    [InlineData(float.MaxValue, 10f, 0f, float.MaxValue)]
    [InlineData(-float.MaxValue, 10f, 0f, -float.MaxValue)]
    [InlineData(3e38f, 1f, 3e38f, float.MaxValue)]
    public void Outputs_that_would_overflow_saturate_instead_of_becoming_infinite(float output, float scale, float mean, float expected) =>
        Assert.Equal(expected, LabelStandardization.ToLabelScale(output, scale, mean));

    [Theory]
    [InlineData(100.0, 15.0, 15f)]
    [InlineData(3e-13, 1e-13, 1e-13f)]
    [InlineData(-2e30, 4e29, 4e29f)]
    [InlineData(0.0, 1e-20, 1e-20f)]
    public void A_label_that_varies_is_scaled_by_its_standard_deviation_however_small(double mean, double deviation, float expected) =>
        Assert.Equal(expected, LabelStandardization.ScaleFor(mean, deviation));

    [Theory]
    [InlineData(5.0, 0.0)]
    [InlineData(1e-6, 0.0)]
    [InlineData(-7.0, 0.0)]
    [InlineData(1e6, 1e-3)]
    public void A_label_constant_to_float_precision_is_scaled_by_a_sliver_of_its_size(double mean, double deviation) =>
        Assert.Equal((float)(Math.Abs(mean) * LabelStandardization.ConstantRelativeSpread), LabelStandardization.ScaleFor(mean, deviation));

    [Fact]
    public void A_label_that_is_zero_in_every_row_keeps_scale_one() =>
        Assert.Equal(1f, LabelStandardization.ScaleFor(0, 0));
}
