using MlNet.Mlp.Kernels;
using Xunit;

namespace MlNet.Mlp.Tests.Kernels;

public unsafe class WorkerTeamTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(8)]
    public void Every_chunk_of_every_job_runs_exactly_once(int threads)
    {
        // Many short jobs back to back: a worker that is late for one job must not run chunks of the next.
        var team = WorkerTeam.ForCurrentThread();
        for (int job = 0; job < 2000; job++)
        {
            int chunks = 1 + job % 37;
            var counts = new int[chunks];
            fixed (int* state = counts)
                team.Run(threads, chunks, state, &CountChunk);
            Assert.All(counts, count => Assert.Equal(1, count));
        }
    }

    [Fact]
    public void A_chunk_that_forks_again_runs_the_inner_job_on_its_own_thread()
    {
        var counts = new int[4 * 5];
        fixed (int* state = counts)
            WorkerTeam.ForCurrentThread().Run(4, 4, state, &RunInnerJob);
        Assert.All(counts, count => Assert.Equal(1, count));
    }

    [Fact]
    public void An_exception_in_a_chunk_reaches_the_caller_after_every_chunk_has_run()
    {
        var counts = new int[16];
        var error = Assert.Throws<AggregateException>(() => RunThrowing(counts));
        Assert.IsType<InvalidOperationException>(error.InnerException);
        Assert.All(counts, count => Assert.Equal(1, count));
    }

    [Fact]
    public void Workers_whose_threads_ended_while_idle_are_replaced()
    {
        var team = WorkerTeam.ForCurrentThread();
        var counts = new int[64];
        fixed (int* state = counts)
            team.Run(4, counts.Length, state, &CountChunk);
        // Past the idle timeout: the workers' threads end.
        Thread.Sleep(TimeSpan.FromSeconds(2.5));
        var observed = new ThreadObservation[256];
        fixed (ThreadObservation* state = observed)
        {
            // Slow chunks give replaced workers time to start and join.
            team.Run(4, observed.Length, state, &RecordThread);
        }
        Assert.All(observed, o => Assert.NotEqual(0, o.ThreadId));
        Assert.True(observed.Select(o => o.ThreadId).Distinct().Count() > 1, "only the calling thread ran chunks");
    }

    [Theory]
    [InlineData(0, 4, 1000)]
    [InlineData(1, 4, 1)]
    [InlineData(100, 4, 1000)]
    [InlineData(1000, 2, 64)]
    [InlineData(200_704, 2, 4096)]
    [InlineData(200_705, 3, 4096)]
    [InlineData(777, 8, 1)]
    public void Parallel_ranges_cover_the_loop_once_with_aligned_boundaries(int length, int threads, int minimumRange)
    {
        var job = new RangeRecorder(new int[length], new List<(int, int)>());
        ParallelRanges.Run(ref job, length, threads, minimumRange);
        Assert.All(job.Counts, count => Assert.Equal(1, count));
        lock (job.Ranges)
            Assert.All(job.Ranges, range => Assert.True(range.Start % 64 == 0 && range.End > range.Start, $"range {range}"));
    }

    private static void CountChunk(void* state, int chunk) => Interlocked.Increment(ref ((int*)state)[chunk]);

    private static void RunInnerJob(void* state, int chunk) =>
        WorkerTeam.ForCurrentThread().Run(4, 5, (int*)state + 5 * chunk, &CountChunk);

    private static void RunThrowing(int[] counts)
    {
        fixed (int* state = counts)
            WorkerTeam.ForCurrentThread().Run(2, counts.Length, state, &CountOrThrow);
    }

    private static void CountOrThrow(void* state, int chunk)
    {
        Interlocked.Increment(ref ((int*)state)[chunk]);
        if (chunk == 3)
            throw new InvalidOperationException("chunk 3");
    }

    private struct ThreadObservation
    {
        public int ThreadId;
    }

    private static void RecordThread(void* state, int chunk)
    {
        Thread.SpinWait(20_000);
        ((ThreadObservation*)state)[chunk].ThreadId = Environment.CurrentManagedThreadId;
    }

    private readonly struct RangeRecorder(int[] counts, List<(int Start, int End)> ranges) : IRangeJob
    {
        public int[] Counts { get; } = counts;
        public List<(int Start, int End)> Ranges { get; } = ranges;

        public void Run(int start, int end)
        {
            lock (Ranges)
                Ranges.Add((start, end));
            for (int i = start; i < end; i++)
                Interlocked.Increment(ref Counts[i]);
        }
    }
}
