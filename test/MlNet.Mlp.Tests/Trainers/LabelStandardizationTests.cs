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
}
