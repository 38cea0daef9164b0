using MlNet.Mlp.Engine;
using Xunit;

namespace MlNet.Mlp.Tests.Engine;

/// <summary>
/// Every step the engine splits across threads (the products, their epilogues, the activations and their derivatives,
/// dropout and DropConnect masks, the L2 term, the bias sums, the optimiser updates, the batch gather) must give the
/// same bits on 1, 2 or 3 threads. The network and batch are wide enough that each step is really split: 256 features
/// and 256 and 128 hidden units at batch 128 put every product above the GEMM's threshold and every elementwise step
/// above two ranges' worth of floats.
/// </summary>
public class ParallelTrainingTests
{
    public static TheoryData<string> Settings => new()
    {
        "relu sgd l2", "sigmoid adam dropout", "tanh nesterov dropconnect", "hardtanh adamw weighted",
        "identity sgd regression", "relu adam binary", "relu sgd dropout dropconnect l2",
    };

    [Theory]
    [MemberData(nameof(Settings))]
    public void Training_on_1_2_or_3_threads_gives_bit_identical_weights(string setting)
    {
        float[] one = Train(setting, threads: 1);
        Assert.Equal(one, Train(setting, threads: 2));
        Assert.Equal(one, Train(setting, threads: 3));
    }

    private static float[] Train(string setting, int threads)
    {
        const int rows = 600, features = 256;
        bool regression = setting.Contains("regression"), binary = setting.Contains("binary");
        (LossFunction loss, Activation output, int outputs) = regression ? (LossFunction.SquaredError, Activation.Identity, 3)
            : binary ? (LossFunction.SigmoidCrossEntropy, Activation.Sigmoid, 1)
            : (LossFunction.SoftmaxCrossEntropy, Activation.Softmax, 10);
        Activation hidden = setting.Split(' ')[0] switch
        {
            "sigmoid" => Activation.Sigmoid,
            "tanh" => Activation.Tanh,
            "hardtanh" => Activation.HardTanh,
            "identity" => Activation.Identity,
            _ => Activation.Relu,
        };
        var random = new Random(5);
        float[] x = EngineTestData.Uniform(random, rows * features, 1f);
        float[] targets = EngineTestData.Targets(random, loss, output, rows, outputs);
        float[]? weights = setting.Contains("weighted") ? EngineTestData.Uniform(random, rows, 1f).Select(w => 0.5f + MathF.Abs(w)).ToArray() : null;
        var data = new TrainingData(x, features, targets, weights);
        var options = new TrainingOptions
        {
            Loss = loss, BatchSize = 128, NumberOfIterations = 3, EarlyStopping = false, Seed = 11, NumberOfThreads = threads,
            Optimizer = setting.Contains("adamw") ? OptimizerKind.AdamW : setting.Contains("adam") ? OptimizerKind.Adam : OptimizerKind.Sgd,
            LearningRate = setting.Contains("adam") ? 0.003f : 0.02f,
            UseNesterovMomentum = setting.Contains("nesterov"),
            WeightDecay = setting.Contains("adamw") ? 0.01f : 0f,
            L2Regularization = setting.Contains("l2") ? 1e-3f : 0f,
            DropoutRate = setting.Contains("dropout") ? 0.2f : 0f,
            DropConnectRate = setting.Contains("dropconnect") ? 0.1f : 0f,
        };
        MlpNetwork network = MlpNetwork.CreateInitialized(features, [256, 128], hidden, outputs, output, seed: 3);
        return EngineTestData.Parameters(new MlpTrainer(options).Train(network, data).Network);
    }
}
