using BenchmarkDotNet.Running;
using MlNet.Mlp.Benchmarks;

// `gemm-quick [shape-filter] [rounds]` prints median GFLOP/s per shape without BenchmarkDotNet, for iterating;
// anything else goes to BenchmarkDotNet (e.g. `--filter *Gemm*`).
if (args.Length > 0 && args[0] == "gemm-quick")
{
    string? filter = args.Length > 1 && args[1] != "*" ? args[1] : null;
    int rounds = args.Length > 2 ? int.Parse(args[2]) : 15;
    GemmQuick.Run(filter, rounds);
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(GemmBenchmarks).Assembly).Run(args);
