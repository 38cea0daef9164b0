using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using MlNet.Mlp.Kernels;

namespace MlNet.Mlp.Engine;

/// <summary>
/// The perceptron's passes with a second thread: while one thread runs a pass, which is sequential (every update
/// changes the weights the next row meets), the other scores every row against the weights the previous pass ended
/// with, which no longer change. On one thread that scoring is a second dot product per row inside the pass
/// (<see cref="IPerceptronRows.Dot2"/>); taking it out shortens the pass by that product.
/// </summary>
/// <remarks>
/// Both run as chunks of one <see cref="WorkerTeam"/> job: chunk 0 is the pass, the others are ranges of rows to
/// score. Whichever thread finishes first claims the ranges left, so a second core that the OS hands to someone else
/// costs a scoring pass on this thread, not a wait. A row's error is the same whichever thread computes it (it is
/// <see cref="IPerceptronRows.Dot"/>, which <see cref="IPerceptronRows.Dot2"/> equals), and the losses are summed
/// afterwards in row order, so the model and its loss curve are bit-identical to a one-thread Fit.
/// </remarks>
public static partial class PerceptronLearner
{
    /// <summary>
    /// Fewest values (rows × features) for which a second thread pays: handing a job over costs a few microseconds,
    /// and scoring 2¹⁸ values takes about 50 µs of one core.
    /// </summary>
    internal const long MinimumValuesToScoreAside = 1L << 18;

    /// <summary>Values a scoring range covers (rows × features): 128 KiB of byte codes, tens of microseconds.</summary>
    private const int ValuesPerScoringRange = 1 << 17;

    /// <summary>Whether passes score aside: more than one thread allowed and a set large enough to repay it.</summary>
    private static bool ScoresAside(int threads, int rowCount, int featureCount) =>
        threads > 1 && (long)rowCount * featureCount >= MinimumValuesToScoreAside;

    /// <summary>
    /// <see cref="RunPass"/> with <paramref name="scoredPass"/> (and <paramref name="scoredLatest"/>, when not null)
    /// scored on the other thread instead of inside the pass.
    /// </summary>
    private static unsafe double RunPassScoringAside<TRows>(float learningRate, int batchSize, TRows rows, int rowCount,
        int featureCount, float[] labels, float[]? exampleWeights, int[] order, float[] weights, ref float bias,
        float[] pendingWeights, PassEnd scoredPass, PassEnd? scoredLatest, WeightAverager? averager, Action? checkAlive)
        where TRows : struct, IPerceptronRows
    {
        var pass = new PassArguments(learningRate, batchSize, exampleWeights, order, weights, pendingWeights, averager, bias);
        var job = new ScoringJob<TRows>(rows, rowCount, featureCount, labels, scoredPass, scoredLatest, checkAlive) { Pass = pass };
        WorkerTeam.ForCurrentThread().Run(2, 1 + job.Ranges, Unsafe.AsPointer(ref job), &ScoringJob<TRows>.RunChunk);
        job.Failure?.Throw();
        bias = pass.Bias;
        return pass.RunningLoss;
    }

    /// <summary>
    /// Scores every row against <paramref name="scored"/> on this thread and one more (the loss of the last pass,
    /// which no later pass can carry); returns it for its <see cref="PassEnd.Loss"/>.
    /// </summary>
    private static unsafe PassEnd ScoreOnTwoThreads<TRows>(TRows rows, int rowCount, int featureCount, float[] labels,
        PassEnd scored, Action? checkAlive)
        where TRows : struct, IPerceptronRows
    {
        var job = new ScoringJob<TRows>(rows, rowCount, featureCount, labels, scored, null, checkAlive);
        WorkerTeam.ForCurrentThread().Run(2, job.Ranges, Unsafe.AsPointer(ref job), &ScoringJob<TRows>.RunChunk);
        job.Failure?.Throw();
        return scored;
    }

    /// <summary>What <see cref="RunPass"/> takes and gives back when it runs as a chunk.</summary>
    private sealed class PassArguments(float learningRate, int batchSize, float[]? exampleWeights, int[] order,
        float[] weights, float[] pendingWeights, WeightAverager? averager, float bias)
    {
        public float LearningRate { get; } = learningRate;
        public int BatchSize { get; } = batchSize;
        public float[]? ExampleWeights { get; } = exampleWeights;
        public int[] Order { get; } = order;
        public float[] Weights { get; } = weights;
        public float[] PendingWeights { get; } = pendingWeights;
        public WeightAverager? Averager { get; } = averager;
        public float Bias = bias;
        public double RunningLoss;
    }

    /// <summary>
    /// One <see cref="WorkerTeam"/> job: with <see cref="Pass"/>, chunk 0 runs the pass and chunk r + 1 scores range
    /// r of the rows; without, chunk r scores range r. Lives on the caller's stack for the job's duration.
    /// </summary>
    private struct ScoringJob<TRows>(TRows rows, int rowCount, int featureCount, float[] labels, PassEnd scored,
        PassEnd? scoredLatest, Action? checkAlive)
        where TRows : struct, IPerceptronRows
    {
        private readonly TRows _rows = rows;
        private readonly float[] _labels = labels;
        private readonly PassEnd _scored = scored;
        private readonly PassEnd? _scoredLatest = scoredLatest;
        private readonly Action? _checkAlive = checkAlive;
        private readonly int _rowCount = rowCount;

        // Ranges of whole rows, few enough for the team's chunk counter.
        private readonly int _rowsPerRange = Math.Max(Math.Max(1, ValuesPerScoringRange / featureCount),
            (rowCount + WorkerTeam.MaxChunks - 2) / (WorkerTeam.MaxChunks - 1));

        /// <summary>The pass to run as chunk 0, or null for scoring alone.</summary>
        public PassArguments? Pass;

        /// <summary>The first exception of any chunk, rethrown by the caller as it was thrown (a cancellation stays one).</summary>
        public ExceptionDispatchInfo? Failure;

        public readonly int Ranges => (_rowCount + _rowsPerRange - 1) / _rowsPerRange;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static unsafe void RunChunk(void* state, int chunk)
        {
            ref ScoringJob<TRows> job = ref Unsafe.AsRef<ScoringJob<TRows>>(state);
            if (Volatile.Read(ref job.Failure) is not null)
                return;
            try
            {
                if (job.Pass is { } pass)
                {
                    if (chunk == 0)
                    {
                        pass.RunningLoss = RunPass(pass.LearningRate, pass.BatchSize, job._rows, job._labels, pass.ExampleWeights,
                            pass.Order, pass.Weights, ref pass.Bias, pass.PendingWeights, null, null, pass.Averager, job._checkAlive);
                        return;
                    }
                    chunk--;
                }
                job._checkAlive?.Invoke();
                job.ScoreRange(chunk * job._rowsPerRange, Math.Min((chunk + 1) * job._rowsPerRange, job._rowCount));
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref job.Failure, ExceptionDispatchInfo.Capture(e), null);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private readonly void ScoreRange(int start, int end)
        {
            for (int row = start; row < end; row++)
            {
                _scored.Score(_rows, row, _labels[row]);
                _scoredLatest?.Score(_rows, row, _labels[row]);
            }
        }
    }
}
