using BenchmarkDotNet.Attributes;
using MlNet.Mlp.Engine;

namespace MlNet.Mlp.Benchmarks;

/// <summary>
/// One training epoch of the 784-256-10 ReLU network at batch 128 (SGD, momentum 0.9, η 0.05, L2 1e-4) on 60,000
/// random rows: the Fashion-MNIST workload without the data set, so that it runs anywhere.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class TrainingEpochBenchmarks
{
    private const int Rows = 60_000, Features = 784, Classes = 10;
    private TrainingData _data = null!;
    private MlpNetwork _network = null!;

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        var features = new float[Rows * Features];
        for (int i = 0; i < features.Length; i++)
            features[i] = (float)random.NextDouble();
        var labels = new float[Rows];
        for (int i = 0; i < labels.Length; i++)
            labels[i] = random.Next(Classes);
        _data = new TrainingData(features, Features, labels);
        _network = MlpNetwork.CreateInitialized(Features, [256], Activation.Relu, Classes, Activation.Softmax, seed: 1);
    }

    [Benchmark]
    public TrainingResult OneEpoch() => new MlpTrainer(new TrainingOptions
    {
        Loss = LossFunction.SoftmaxCrossEntropy, NumberOfIterations = 1, BatchSize = 128, Optimizer = OptimizerKind.Sgd,
        LearningRate = 0.05f, Momentum = 0.9f, L2Regularization = 1e-4f, Seed = 1, NumberOfThreads = Threads, EarlyStopping = false,
    }).Train(_network, _data);
}
