using System.Diagnostics;

namespace MlNet.Mlp.Benchmarks;

/// <summary>
/// Fast feedback without BenchmarkDotNet: per shape and thread count, the median GFLOP/s over timed batches.
/// Batches are sized to ~20 ms so timer resolution and noise from other processes average out.
/// </summary>
public static class GemmQuick
{
    public static void Run(string? shapeFilter, int rounds)
    {
        WarmUp();
        Console.WriteLine($"instruction set: {InstructionSet.Name}");
        Console.WriteLine($"{"shape",-32} {"threads",7} {"median GFLOP/s",15} {"best",8}");
        foreach (GemmShape shape in GemmShape.All)
        {
            if (shapeFilter is not null && !shape.Name.Contains(shapeFilter, StringComparison.OrdinalIgnoreCase))
                continue;
            foreach (int threads in ThreadCounts())
            {
                double[] rates = Measure(shape, threads, rounds);
                Array.Sort(rates);
                Console.WriteLine($"{shape.Name,-32} {threads,7} {rates[rates.Length / 2],15:F1} {rates[^1],8:F1}");
            }
        }
    }

    /// <summary>1 and 2, or the comma-separated list in GEMM_THREADS (for thread-scaling runs on a larger machine).</summary>
    private static int[] ThreadCounts() =>
        Environment.GetEnvironmentVariable("GEMM_THREADS") is { Length: > 0 } list
            ? list.Split(',').Select(int.Parse).ToArray()
            : [1, 2];

    /// <summary>Runs every shape for a while first, so that no measurement includes JIT tiering.</summary>
    private static void WarmUp()
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < 0.5)
        {
            foreach (GemmShape shape in GemmShape.All)
                shape.Run(2);
        }
    }

    private static double[] Measure(GemmShape shape, int threads, int rounds)
    {
        // Batch size from a timed call, so a busy machine slows the run down only in proportion.
        long probe = Stopwatch.GetTimestamp();
        shape.Run(threads);
        int batch = Math.Max(1, (int)(0.02 / Math.Max(Stopwatch.GetElapsedTime(probe).TotalSeconds, 1e-7)));
        for (int i = 0; i < batch * 3; i++)
            shape.Run(threads);
        var rates = new double[rounds];
        for (int round = 0; round < rounds; round++)
        {
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < batch; i++)
                shape.Run(threads);
            double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            rates[round] = shape.Flops * batch / seconds / 1e9;
        }
        return rates;
    }
}
