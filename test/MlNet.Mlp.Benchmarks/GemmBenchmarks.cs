using BenchmarkDotNet.Attributes;

namespace MlNet.Mlp.Benchmarks;

/// <summary>
/// BenchmarkDotNet measurement of <see cref="Kernels.Gemm.Multiply"/> on the MLP shapes, 1 and 2 threads.
/// GFLOP/s = <see cref="GemmShape.Flops"/> / mean time (the GFLOP/s column). A short job keeps the whole suite
/// to a few minutes on a shared machine.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
[Config(typeof(GemmBenchmarkConfig))]
public class GemmBenchmarks
{
    /// <summary>All shapes but 2048² (~75 ms a call, it alone would double the suite's time; gemm-quick and
    /// compare_gemm.py measure it).</summary>
    public static IEnumerable<GemmShape> Shapes => GemmShape.All.Where(shape => shape.M * (long)shape.N * shape.K <= 1L << 30);

    [ParamsSource(nameof(Shapes))]
    public GemmShape Shape { get; set; } = null!;

    [Params(1, 2)]
    public int Threads { get; set; }

    [Benchmark]
    public void Multiply() => Shape.Run(Threads);
}
