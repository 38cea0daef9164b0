using MlNet.Mlp.Engine;
using Xunit;

namespace MlNet.Mlp.Tests.Engine;

public class AdamWTests
{
    [Fact]
    public void DecoupledDecayShrinksWeightsByOneMinusEtaTimesDecayAndLeavesBiasesAlone()
    {
        // A zero gradient leaves Adam's moments at 0, so only the decay moves the parameters.
        var optimizer = new AdamOptimizer([3, 2], learningRate: 0.1f, weightDecay: 0.5f, decayedBlocks: [true, false]);
        float[] weights = [1f, -2f, 4f];
        float[] biases = [3f, -1f];
        optimizer.BeginStep(0.1f);
        optimizer.Update(0, weights, new float[3]);
        optimizer.Update(1, biases, new float[2]);
        Assert.Equal([0.95f, -1.9f, 3.8f], weights);
        Assert.Equal([3f, -1f], biases);
        optimizer.BeginStep(0.02f);
        optimizer.Update(0, weights, new float[3]);
        Assert.Equal(0.95f * 0.99f, weights[0], 1e-6f);
    }

    [Fact]
    public void AdamStepUsesTheRateOfItsOwnStepAfterTheRateChanges()
    {
        // With one constant gradient g, m̂ = g and v̂ = g² at every step, so each step moves by η_t·g/(|g| + ε).
        var optimizer = new AdamOptimizer([1], learningRate: 1f);
        float[] w = [0f];
        float[] g = [0.5f];
        float expected = 0f;
        foreach (float rate in new[] { 0.1f, 0.1f, 0.01f, 0.3f })
        {
            optimizer.BeginStep(rate);
            optimizer.Update(0, w, g);
            expected -= rate * 0.5f / (0.5f + 1e-8f);
            Assert.Equal(expected, w[0], 1e-5f);
        }
    }

    [Fact]
    public void TrainingWithAdamWDecaysOnlyTheWeightsOfAnUntrainableNetwork()
    {
        // Targets equal to the network's output at every example: the data gradient is 0, so weights follow the
        // decay alone, (1 − ηd)^steps, and the biases stay.
        MlpNetwork initial = MlpNetwork.CreateInitialized(2, [], Activation.Identity, 1, Activation.Identity, seed: 4);
        float[] x = [1, 0, 0, 1, 1, 1, 0, 0];
        var y = new float[4];
        for (int i = 0; i < 4; i++)
            initial.Predict(x.AsSpan(2 * i, 2), y.AsSpan(i, 1));
        var options = new TrainingOptions
        {
            Optimizer = OptimizerKind.AdamW, LearningRate = 0.1f, WeightDecay = 0.5f, L2Regularization = 0f, BatchSize = 4,
            NumberOfIterations = 1, EarlyStopping = false, Shuffle = false,
        };
        MlpNetwork trained = new MlpTrainer(options).Train(initial, new TrainingData(x, 2, y)).Network;
        // The first step: gradient 0 exactly, so Adam adds nothing.
        Assert.Equal(0.95f * initial.Layers[0].Weights[0], trained.Layers[0].Weights[0], 1e-6f);
        Assert.Equal(initial.Layers[0].Bias[0], trained.Layers[0].Bias[0]);
    }
}
