using MlNet.Mlp.Engine;

namespace MlNet.Mlp.Tests.Engine;

/// <summary>Small seeded data sets for the engine tests.</summary>
internal static class EngineTestData
{
    public static float[] Uniform(Random random, int count, float scale)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++)
            values[i] = (float)((random.NextDouble() * 2 - 1) * scale);
        return values;
    }

    /// <summary>Targets of the layout <paramref name="loss"/> expects for a network with the given output activation.</summary>
    public static float[] Targets(Random random, LossFunction loss, Activation outputActivation, int rows, int outputs)
    {
        var targets = new float[rows * (loss == LossFunction.SoftmaxCrossEntropy ? 1 : outputs)];
        for (int i = 0; i < rows; i++)
        {
            switch (loss)
            {
                case LossFunction.SoftmaxCrossEntropy:
                    targets[i] = random.Next(outputs);
                    break;
                case LossFunction.SigmoidCrossEntropy:
                case LossFunction.Perceptron:
                    for (int j = 0; j < outputs; j++)
                        targets[i * outputs + j] = random.Next(2);
                    break;
                case LossFunction.SquaredError when outputActivation == Activation.Softmax:
                    targets[i * outputs + random.Next(outputs)] = 1f;
                    break;
                default:
                    for (int j = 0; j < outputs; j++)
                        targets[i * outputs + j] = outputActivation == Activation.Identity ? (float)(random.NextDouble() * 4 - 2) : (float)random.NextDouble() * 0.8f;
                    break;
            }
        }
        return targets;
    }

    /// <summary>The notes' XOR inputs 00, 01, 10, 11.</summary>
    public static readonly float[] XorInputs = [0, 0, 0, 1, 1, 0, 1, 1];

    /// <summary>Copies all weights and biases into one array.</summary>
    public static float[] Parameters(MlpNetwork network) =>
        network.Layers.SelectMany(layer => layer.Weights.ToArray().Concat(layer.Bias.ToArray())).ToArray();
}
