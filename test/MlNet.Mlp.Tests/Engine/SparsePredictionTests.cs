using MlNet.Mlp.Engine;
using Xunit;

namespace MlNet.Mlp.Tests.Engine;

/// <summary>A network's sparse one-row forward pass against its dense one on the same values.</summary>
public class SparsePredictionTests
{
    [Theory]
    [InlineData(Activation.Relu, Activation.Softmax, 3)]
    [InlineData(Activation.Tanh, Activation.Sigmoid, 1)]
    [InlineData(Activation.HardTanh, Activation.Identity, 2)]
    public void A_sparse_row_predicts_what_its_dense_copy_predicts(Activation hidden, Activation output, int outputs)
    {
        const int inputs = 500;
        MlpNetwork network = MlpNetwork.CreateInitialized(inputs, [16, 8], hidden, outputs, output, seed: 4);
        var random = new Random(6);
        foreach (int stored in new[] { 0, 1, 7, 60 })
        {
            int[] indices = Enumerable.Range(0, inputs).OrderBy(_ => random.Next()).Take(stored).Order().ToArray();
            float[] values = indices.Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray();
            var dense = new float[inputs];
            for (int k = 0; k < stored; k++)
                dense[indices[k]] = values[k];

            var expected = new float[outputs];
            var actual = new float[outputs];
            network.Predict(dense, expected);
            network.Predict(indices, values, actual);
            for (int j = 0; j < outputs; j++)
                Assert.Equal(expected[j], actual[j], 1e-5f);
        }
    }

    [Fact]
    public void A_sparse_row_with_a_bad_index_or_mismatched_spans_is_rejected()
    {
        MlpNetwork network = MlpNetwork.CreateInitialized(10, [4], Activation.Relu, 1, Activation.Identity, seed: 1);
        var output = new float[1];
        Assert.Throws<ArgumentException>(() => network.Predict([10], [1f], output));
        Assert.Throws<ArgumentException>(() => network.Predict([-1], [1f], output));
        Assert.Throws<ArgumentException>(() => network.Predict([1, 2], [1f], output));
        Assert.Throws<ArgumentException>(() => network.Predict([1], [1f], new float[0]));
    }
}
