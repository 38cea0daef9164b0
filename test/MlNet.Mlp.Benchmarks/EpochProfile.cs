using System.Diagnostics;
using MlNet.Mlp.Engine;
using MlNet.Mlp.Kernels;

namespace MlNet.Mlp.Benchmarks;

/// <summary>
/// Where an epoch of 784-256-10 at batch 128, or another batch size (SGD momentum, L2, random rows as in <see cref="TrainingEpochBenchmarks"/>)
/// spends its time: the engine's batch step (TrainingRun.TrainBatch) replayed phase by phase with a stopwatch,
/// and, separately, the same GEMM calls the forward and backward phases make, timed alone, so that the
/// elementwise share of those phases is their time less the GEMMs'.
/// </summary>
/// <remarks>Run: <c>epoch-profile [threads] [epochs] [batch size]</c>. Timer overhead is ~20 ns per phase, 469 batches an
/// epoch at batch 128.</remarks>
public static class EpochProfile
{
    private const int Rows = 60_000, Features = 784, Hidden = 256, Classes = 10;

    /// <summary>The batch size when none is given: the Fashion-MNIST runs' 128.</summary>
    public const int DefaultBatchSize = 128;
    private const float L2 = 1e-4f;

    public static void Run(int threads, int epochs, int batchSize = DefaultBatchSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var random = new Random(1);
        var features = new float[Rows * Features];
        for (int i = 0; i < features.Length; i++)
            features[i] = (float)random.NextDouble();
        var labels = new float[Rows];
        for (int i = 0; i < labels.Length; i++)
            labels[i] = random.Next(Classes);
        var data = new TrainingData(features, Features, labels);
        var options = new TrainingOptions
        {
            Loss = LossFunction.SoftmaxCrossEntropy, BatchSize = batchSize, Optimizer = OptimizerKind.Sgd,
            LearningRate = 0.05f, Momentum = 0.9f, L2Regularization = L2, Seed = 1, NumberOfThreads = threads, EarlyStopping = false,
        };
        MlpNetwork network = MlpNetwork.CreateInitialized(Features, [Hidden], Activation.Relu, Classes, Activation.Softmax, seed: 1);
        var step = new ProfiledStep(network, DataSubset.All(data), options);

        step.RunEpoch(); // JIT tiering and first-touch of the buffers
        step.Phases.Clear();
        var products = new BatchProducts(threads, batchSize);
        int batches = (Rows + batchSize - 1) / batchSize;
        products.Run(50);
        // Engine epochs and epochs of products alone alternate, so that each ratio compares the two under the same load.
        var epochTimes = new double[epochs];
        var gemmTimes = new double[epochs];
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            var clock = Stopwatch.StartNew();
            step.RunEpoch();
            epochTimes[epoch] = clock.Elapsed.TotalSeconds;
            clock.Restart();
            products.Run(batches);
            gemmTimes[epoch] = clock.Elapsed.TotalSeconds;
        }
        double epochSeconds = Median(epochTimes), gemmSeconds = Median(gemmTimes);
        double ratio = Median(epochTimes.Zip(gemmTimes, (e, g) => e / g).ToArray());

        Console.WriteLine($"{threads} thread(s), batch {batchSize}: {epochSeconds:F3} s per epoch (median of {epochs})");
        foreach (var (phase, ticks) in step.Phases)
        {
            double seconds = ticks / (double)Stopwatch.Frequency / epochs;
            Console.WriteLine($"  {phase,-40} {seconds,7:F3} s  {seconds / epochSeconds,6:P0}");
        }
        Console.WriteLine($"  {"of which GEMMs (timed alone)",-40} {gemmSeconds,7:F3} s  {gemmSeconds / epochSeconds,6:P0}");
        Console.WriteLine($"  epoch / its products alone: {ratio:F2} (median of same-epoch ratios)");
        ResultLine.Print(new { mode = "epoch-profile", threads, epochs, batch = batchSize, epoch_s = epochSeconds, gemm_s = gemmSeconds, epoch_over_gemm = ratio });
    }

    private static double Median(double[] values)
    {
        double[] sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>The five products of one batch step, on operands of their sizes, run back to back.</summary>
    private sealed class BatchProducts(int threads, int batchSize)
    {
        private readonly float[] x = Matrix(batchSize * Features), w1 = Matrix(Hidden * Features), h = Matrix(batchSize * Hidden);
        private readonly float[] w2 = Matrix(Classes * Hidden), z = Matrix(batchSize * Classes), d2 = Matrix(batchSize * Classes);
        private readonly float[] dW2 = new float[Classes * Hidden], d1 = new float[batchSize * Hidden], dW1 = new float[Hidden * Features];

        public void Run(int batches)
        {
            for (int i = 0; i < batches; i++)
            {
                Gemm.Multiply(false, true, batchSize, Hidden, Features, x, Features, w1, Features, h, Hidden, false, threads);
                Gemm.Multiply(false, true, batchSize, Classes, Hidden, h, Hidden, w2, Hidden, z, Classes, false, threads);
                Gemm.Multiply(true, false, Classes, Hidden, batchSize, d2, Classes, h, Hidden, dW2, Hidden, false, threads);
                Gemm.Multiply(false, false, batchSize, Hidden, Classes, d2, Classes, w2, Hidden, d1, Hidden, false, threads);
                Gemm.Multiply(true, false, Hidden, Features, batchSize, d1, Hidden, x, Features, dW1, Features, false, threads);
            }
        }

        private static float[] Matrix(int length)
        {
            var random = new Random(length);
            return Enumerable.Range(0, length).Select(_ => (float)random.NextDouble()).ToArray();
        }
    }

    /// <summary>TrainingRun.TrainBatch's steps, in its order, each under a stopwatch.</summary>
    private sealed class ProfiledStep(MlpNetwork network, DataSubset trainingSet, TrainingOptions options)
    {
        private readonly Backpropagation _backpropagation = new(network, options.Loss, options.BatchSize, 0, 0, options.ThreadCount);
        private readonly Optimizer _optimizer = options.CreateOptimizer(network);
        private readonly DeterministicRandom _shuffleRandom = new(options.Seed, DeterministicRandom.Stream.Shuffle);
        private readonly int[] _order = Enumerable.Range(0, trainingSet.Count).ToArray();
        private readonly float[] _batchFeatures = new float[options.BatchSize * network.InputCount];
        private readonly float[] _batchTargets = new float[options.BatchSize];
        private readonly float[] _batchWeights = new float[options.BatchSize];

        public Dictionary<string, long> Phases { get; } = [];

        public void RunEpoch()
        {
            Timed("shuffle", () => _shuffleRandom.Shuffle(_order));
            for (int start = 0; start < _order.Length; start += options.BatchSize)
            {
                int rows = Math.Min(options.BatchSize, _order.Length - start);
                int first = start;
                Timed("gather rows", () => trainingSet.Gather(_order.AsSpan(first, rows), _batchFeatures, _batchTargets, _batchWeights, options.ThreadCount));
                ReadOnlySpan<float> features = _batchFeatures.AsSpan(0, rows * network.InputCount);
                long t = Stopwatch.GetTimestamp();
                _backpropagation.Forward(features, rows, training: true);
                Add("forward (GEMM, bias, ReLU, softmax)", t);
                t = Stopwatch.GetTimestamp();
                _backpropagation.Loss(_batchTargets, ReadOnlySpan<float>.Empty, rows, computeGradient: true);
                Add("loss and its gradient", t);
                t = Stopwatch.GetTimestamp();
                // The momentum step runs inside the backward pass: in the weight gradients' epilogues, and for the biases
                // right after their sums.
                _optimizer.BeginStep(options.LearningRate, options.ThreadCount);
                _backpropagation.BackwardAndUpdate(features, rows, L2, _optimizer);
                Add("backward and momentum step (GEMMs, L2, ReLU', bias sums)", t);
            }
            Timed("finiteness check", () => network.ParametersAreFinite());
        }

        private void Timed(string phase, Action action)
        {
            long start = Stopwatch.GetTimestamp();
            action();
            Add(phase, start);
        }

        private void Add(string phase, long start) =>
            Phases[phase] = Phases.GetValueOrDefault(phase) + (Stopwatch.GetTimestamp() - start);
    }
}
