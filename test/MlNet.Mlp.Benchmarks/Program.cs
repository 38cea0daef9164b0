using BenchmarkDotNet.Running;
using MlNet.Mlp.Benchmarks;
using MlNet.Mlp.Benchmarks.Fashion;

// `gemm-quick [shape-filter] [rounds]` prints median GFLOP/s per shape without BenchmarkDotNet, for iterating
// (threads 1 and 2, or those listed in GEMM_THREADS, e.g. GEMM_THREADS=1,2,4,8,16);
// `mlp-fashion [epochs] [threads] [seed]` and `perceptron-fashion [repetitions]` are the Fashion-MNIST runs of
// build/bench/compare.sh (data from $FASHION_MNIST_DIR, else Debian's dataset-fashion-mnist);
// `epoch-profile [threads] [epochs] [batch size]` splits an epoch's time into phases (batch 128 unless given);
// `mlp-fashion-defaults [epochs] [seed] [overrides]` is the accuracy issue's 10-class run with every other option at its default;
// `mlp-fashion-binary [epochs] [seed] [overrides]` is its T-shirt/top vs Shirt run (binary MLP[256]);
// `panel --manifest FILE …` is the accuracy panel of build/bench/panel.sh (see Panel/PanelCommand.cs);
// `multi-output-peer settings.json` is our side of build/bench/multi_output_peer.py;
// anything else goes to BenchmarkDotNet (e.g. `--filter *Gemm*`).
string fashionDirectory = Environment.GetEnvironmentVariable("FASHION_MNIST_DIR") ?? FashionMnist.DefaultDirectory;
int IntArgument(int index, int fallback) => args.Length > index ? int.Parse(args[index]) : fallback;
switch (args.FirstOrDefault())
{
    case "gemm-quick":
        GemmQuick.Run(args.Length > 1 && args[1] != "*" ? args[1] : null, IntArgument(2, 15));
        return;
    case "mlp-fashion":
        FashionBenchmarks.RunMlp(epochs: IntArgument(1, 5), threads: IntArgument(2, 2), seed: IntArgument(3, 1), fashionDirectory);
        return;
    case "epoch-profile":
        EpochProfile.Run(threads: IntArgument(1, 2), epochs: IntArgument(2, 3), batchSize: IntArgument(3, EpochProfile.DefaultBatchSize));
        return;
    case "mlp-fashion-defaults":
        FashionBenchmarks.RunMlpWithDefaults(epochs: IntArgument(1, 20), seed: IntArgument(2, 1), fashionDirectory, args.Length > 3 ? args[3] : null);
        return;
    case "mlp-fashion-binary":
        FashionBenchmarks.RunBinaryMlpWithDefaults(epochs: IntArgument(1, 20), seed: IntArgument(2, 1), fashionDirectory, args.Length > 3 ? args[3] : null);
        return;
    case "panel":
        MlNet.Mlp.Benchmarks.Panel.PanelCommand.Run(args[1..]);
        return;
    case "multi-output-peer" when args.Length == 2:
        MultiOutputPeer.Run(args[1]);
        return;
    case "perceptron-fashion":
        FashionBenchmarks.RunPerceptron(repetitions: IntArgument(1, 3), fashionDirectory);
        return;
}
BenchmarkSwitcher.FromAssembly(typeof(GemmBenchmarks).Assembly).Run(args);
