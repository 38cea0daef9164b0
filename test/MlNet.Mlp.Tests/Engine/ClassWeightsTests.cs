using MlNet.Mlp.Engine;
using Xunit;

namespace MlNet.Mlp.Tests.Engine;

public class ClassWeightsTests
{
    [Fact]
    public void BalancedWeightsAreRowsOverClassesTimesClassCount()
    {
        float[] classes = [0, 0, 0, 1, 2, 2];
        double[] weights = ClassWeights.Balanced(classes, 6, classCount: 4);
        // n = 6, K = 3 classes present: 6/(3·3), 6/(3·1), 6/(3·2); the absent class 3 weighs 0.
        Assert.Equal([6.0 / 9, 2.0, 1.0, 0.0], weights);
        float[] rowWeights = ClassWeights.Apply(weights, classes, 6);
        // Every class now carries the same total weight.
        Assert.Equal(2.0, rowWeights.Take(3).Sum(), 5);
        Assert.Equal(2.0, rowWeights[3], 5);
        Assert.Equal(2.0, rowWeights.Skip(4).Sum(), 5);
    }

    [Fact]
    public void ExampleWeightsCountInTheClassSizesAndMultiplyTheResult()
    {
        float[] classes = [0, 1, 1];
        float[] exampleWeights = [2f, 1f, 1f];
        double[] weights = ClassWeights.Balanced(classes, 3, 2, exampleWeights);
        Assert.Equal([1.0, 1.0], weights);
        Assert.Equal([2f, 1f, 1f], ClassWeights.Apply(weights, classes, 3, exampleWeights));
    }
}
