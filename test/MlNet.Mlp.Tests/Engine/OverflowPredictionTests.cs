using System.Numerics.Tensors;
using MlNet.Mlp.Engine;
using Xunit;

namespace MlNet.Mlp.Tests.Engine;

/// <summary>
/// A network never turns finite features into a non-finite output, even when weights and features are so large that
/// the float dot products overflow (a model trained on raw, unscaled features, or a damaged first-format file).
/// </summary>
public class OverflowPredictionTests
{
    private const float Huge = 3e38f;

    [Theory]
    [InlineData(Activation.Relu, Activation.Softmax, 3)]
    [InlineData(Activation.Identity, Activation.Identity, 1)]
    [InlineData(Activation.Tanh, Activation.Sigmoid, 1)]
    [InlineData(Activation.Sigmoid, Activation.Identity, 2)]
    [InlineData(Activation.HardTanh, Activation.Softmax, 2)]
    public void Huge_weights_and_huge_features_give_finite_outputs_dense_and_sparse(Activation hidden, Activation output, int outputs)
    {
        const int inputs = 6;
        MlpNetwork network = HugeNetwork(inputs, [5, 4], hidden, outputs, output);
        float[][] rows = [[Huge, -Huge, Huge, -Huge, Huge, -Huge], [Huge, Huge, Huge, Huge, Huge, Huge], [-1e30f, 0, 0, 0, 0, 1e30f]];
        foreach (float[] row in rows)
        {
            var dense = new float[outputs];
            var sparse = new float[outputs];
            network.Predict(row, dense);
            network.Predict([.. Enumerable.Range(0, inputs)], row, sparse);
            // The two paths sum in different orders, so one may overflow where the other does not: both must be finite.
            Assert.All(dense, value => Assert.True(float.IsFinite(value), $"dense output {value} for [{string.Join(", ", row)}]"));
            Assert.All(sparse, value => Assert.True(float.IsFinite(value), $"sparse output {value} for [{string.Join(", ", row)}]"));
        }
    }

    [Fact]
    public void Saturated_pre_activations_keep_their_sign_so_the_largest_class_still_wins()
    {
        // One input of 1e30 through weights of ±3e38: class 0's logit saturates at +MaxValue, class 1's at −MaxValue.
        var layer = new DenseLayer(1, 2, Activation.Softmax, [Huge, -Huge], [0f, 0f]);
        var network = new MlpNetwork([layer]);
        var probabilities = new float[2];
        network.Predict([1e30f], probabilities);
        Assert.Equal([1f, 0f], probabilities);
    }

    [Fact]
    public void Ordinary_rows_are_scored_by_the_float_path_unchanged()
    {
        MlpNetwork network = MlpNetwork.CreateInitialized(5, [4], Activation.Relu, 1, Activation.Identity, seed: 2);
        float[] row = [0.5f, -1f, 2f, 0f, 1.5f];
        var actual = new float[1];
        network.Predict(row, actual);

        DenseLayer first = network.Layers[0], second = network.Layers[1];
        var hidden = new float[4];
        for (int j = 0; j < 4; j++)
            hidden[j] = MathF.Max(0f, TensorPrimitives.Dot(first.Weights.Slice(j * 5, 5), row) + first.Bias[j]);
        float expected = TensorPrimitives.Dot(second.Weights, hidden) + second.Bias[0];
        Assert.Equal(expected, actual[0]);
    }

    private static MlpNetwork HugeNetwork(int inputs, int[] hidden, Activation hiddenActivation, int outputs, Activation outputActivation)
    {
        // Alternating signs make the float sums meet +∞ and −∞ (NaN) as well as plain overflow.
        var layers = new List<DenseLayer>();
        int previous = inputs;
        foreach (int size in hidden.Append(outputs))
        {
            float[] weights = Enumerable.Range(0, size * previous).Select(i => i % 3 == 0 ? -Huge : Huge).ToArray();
            float[] bias = Enumerable.Range(0, size).Select(j => j % 2 == 0 ? Huge : -Huge).ToArray();
            layers.Add(new DenseLayer(previous, size, layers.Count < hidden.Length ? hiddenActivation : outputActivation, weights, bias));
            previous = size;
        }
        return new MlpNetwork(layers);
    }
}
