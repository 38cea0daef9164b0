using MlNet.Mlp.Engine;
using Xunit;

namespace MlNet.Mlp.Tests.Engine;

public class MlpEnsembleTests
{
    [Fact]
    public void PredictsTheMeanOfItsMembersOnDenseAndSparseRows()
    {
        MlpNetwork[] members = [.. Enumerable.Range(0, 3).Select(k => MlpNetwork.CreateInitialized(3, [4], Activation.Relu, 2, Activation.Softmax, seed: k))];
        var ensemble = new MlpEnsemble(members);
        float[] x = [0.5f, 0f, -1.5f];
        var expected = new double[2];
        var output = new float[2];
        foreach (MlpNetwork member in members)
        {
            member.Predict(x, output);
            expected[0] += output[0] / 3.0;
            expected[1] += output[1] / 3.0;
        }
        ensemble.Predict(x, output);
        Assert.Equal(expected[0], output[0], 6);
        Assert.Equal(expected[1], output[1], 6);
        var sparse = new float[2];
        ensemble.Predict([0, 2], [0.5f, -1.5f], sparse);
        Assert.Equal(output, sparse);
    }

    [Fact]
    public void AnEnsembleOfOneScoresExactlyAsItsNetwork()
    {
        MlpNetwork network = MlpNetwork.CreateInitialized(3, [4], Activation.Tanh, 1, Activation.Identity, seed: 5);
        float[] x = [0.3f, -0.7f, 2f];
        var alone = new float[1];
        var asEnsemble = new float[1];
        network.Predict(x, alone);
        new MlpEnsemble([network]).Predict(x, asEnsemble);
        Assert.Equal(alone, asEnsemble);
    }

    [Fact]
    public void MembersMustShareOneArchitecture()
    {
        MlpNetwork a = MlpNetwork.CreateInitialized(3, [4], Activation.Tanh, 1, Activation.Identity, seed: 1);
        MlpNetwork b = MlpNetwork.CreateInitialized(3, [5], Activation.Tanh, 1, Activation.Identity, seed: 1);
        MlpNetwork c = MlpNetwork.CreateInitialized(3, [4], Activation.Relu, 1, Activation.Identity, seed: 1);
        Assert.Throws<ArgumentException>(() => new MlpEnsemble([a, b]));
        Assert.Throws<ArgumentException>(() => new MlpEnsemble([a, c]));
        Assert.Throws<ArgumentException>(() => new MlpEnsemble([]));
    }
}
