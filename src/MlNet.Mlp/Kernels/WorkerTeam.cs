using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace MlNet.Mlp.Kernels;

/// <summary>
/// Fork-join for the kernels and the engine: a calling thread's own team of worker threads that run the chunks of
/// one job at a time with it. The caller publishes a job of N chunks, it and up to <c>threads − 1</c> workers claim
/// chunks from a shared counter, and <see cref="Run"/> returns when every chunk is done.
/// </summary>
/// <remarks>
/// <para>A training step forks and joins several times per mini-batch, every few tens of microseconds, so the
/// workers are dedicated threads that poll for a while after each job, yielding the core between polls (and only
/// then sleep): waking a sleeping thread, or queueing to the thread pool, costs as much as a small product. The caller works on its own job
/// instead of waiting, so a worker that the OS has descheduled only means that the caller claims more chunks.</para>
/// <para>Chunks must write disjoint outputs; which thread runs a chunk never changes its result, so anything built
/// on this is bit-identical for any thread count as long as the chunks themselves do not depend on it.</para>
/// <para>One team per calling thread ([ThreadStatic]), grown to the most threads it was asked for. Workers sleep
/// after polling for <see cref="SpinTicks"/> without work and end after <see cref="IdleTimeout"/> asleep, so the teams of
/// threads that stopped training cost nothing; a later job starts new ones.</para>
/// </remarks>
internal sealed unsafe class WorkerTeam
{
    /// <summary>How long a worker keeps polling for the next job before it sleeps: about 50 µs.</summary>
    private static readonly long SpinTicks = Stopwatch.Frequency / 20_000;

    /// <summary>How much of <see cref="SpinTicks"/> it polls without yielding the core: about 10 µs.</summary>
    private static readonly long PauseTicks = Stopwatch.Frequency / 100_000;

    /// <summary>How long a worker sleeps without a job before its thread ends.</summary>
    private static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(2);

    /// <summary>The most chunks one job may have (the width of the chunk fields of <see cref="claim"/>).</summary>
    public const int MaxChunks = ushort.MaxValue;

    [ThreadStatic]
    private static WorkerTeam? current;

    private Worker[] workers = [];
    private bool inJob;

    // The job in flight. claim packs (generation: 32 bits | chunk count: 16 | next chunk: 16), so that a claim that
    // succeeds proves the chunk belongs to the job in flight: a worker that slept through a job cannot claim into
    // the next one with a stale count, and the job's other fields stay as published while a claimed chunk runs.
    private long claim;
    private int completedChunks;
    private int helpers;
    private void* state;
    private delegate*<void*, int, void> body;
    private Exception? failure;

    /// <summary>The calling thread's team.</summary>
    public static WorkerTeam ForCurrentThread() => current ??= new WorkerTeam();

    /// <summary>
    /// Runs <c>body(state, chunk)</c> for every chunk in [0, <paramref name="chunks"/>) on the calling thread and up
    /// to <paramref name="threads"/> − 1 workers; returns when all are done. <paramref name="state"/> must stay valid
    /// until then (a local of the caller is). An exception from a chunk is rethrown here once all chunks are done.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Run(int threads, int chunks, void* state, delegate*<void*, int, void> body)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(chunks, MaxChunks);
        if (chunks <= 0)
            return;
        int helperCount = Math.Min(threads, chunks) - 1;
        // A chunk that forks again on this thread (a parallel product inside a parallel loop) runs its job alone:
        // the team is busy with the outer one.
        if (helperCount <= 0 || inJob)
        {
            for (int chunk = 0; chunk < chunks; chunk++)
                body(state, chunk);
            return;
        }
        inJob = true;
        try
        {
            RunWithWorkers(helperCount, chunks, state, body);
        }
        finally
        {
            inJob = false;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RunWithWorkers(int helperCount, int chunks, void* state, delegate*<void*, int, void> body)
    {
        EnsureWorkers(helperCount);
        this.state = state;
        this.body = body;
        helpers = helperCount;
        failure = null;
        completedChunks = 0;
        long generation = (Volatile.Read(ref claim) >> 32) + 1;
        Volatile.Write(ref claim, (generation << 32) | ((long)chunks << 16));
        for (int i = 0; i < helperCount; i++)
            workers[i] = workers[i].Wake(generation - 1);

        RunClaimedChunks(generation);
        var spinner = new SpinWait();
        while (Volatile.Read(ref completedChunks) != chunks)
            spinner.SpinOnce(sleep1Threshold: -1);
        if (failure is { } error)
            throw new AggregateException("A parallel kernel chunk failed.", error);
    }

    /// <summary>Claims and runs chunks of job <paramref name="generation"/> until none is left.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RunClaimedChunks(long generation)
    {
        while (true)
        {
            long word = Volatile.Read(ref claim);
            int next = (int)(word & 0xFFFF), count = (int)((word >> 16) & 0xFFFF);
            if (word >> 32 != generation || next >= count)
                return;
            if (Interlocked.CompareExchange(ref claim, word + 1, word) != word)
                continue;
            try
            {
                body(state, next);
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref failure, e, null);
            }
            Interlocked.Increment(ref completedChunks);
        }
    }

    /// <summary>The generation of the job in flight, for workers waiting for a new one.</summary>
    private long Generation => Volatile.Read(ref claim) >> 32;

    private void EnsureWorkers(int count)
    {
        if (workers.Length >= count)
            return;
        var grown = new Worker[count];
        workers.CopyTo(grown, 0);
        for (int i = workers.Length; i < count; i++)
            grown[i] = Worker.Start(this, i, Generation);
        workers = grown;
    }

    /// <summary>One dedicated worker thread: spins on the team's job counter, then sleeps, then ends.</summary>
    private sealed class Worker
    {
        private const int Running = 0, Sleeping = 1, Ended = 2;

        private readonly WorkerTeam team;
        private readonly int index;
        private readonly SemaphoreSlim wakeUp = new(0);
        private int status;

        private readonly long startGeneration;

        private Worker(WorkerTeam team, int index, long startGeneration)
        {
            this.team = team;
            this.index = index;
            this.startGeneration = startGeneration;
        }

        /// <summary>A new worker that takes part in every job after <paramref name="seenGeneration"/>.</summary>
        public static Worker Start(WorkerTeam team, int index, long seenGeneration)
        {
            var worker = new Worker(team, index, seenGeneration);
            var thread = new Thread(worker.Loop) { IsBackground = true, Name = "MlNet.Mlp worker" };
            thread.Start();
            return worker;
        }

        /// <summary>Makes sure this worker will see the new job: wakes it if asleep; a worker whose thread has
        /// ended is replaced (the returned one).</summary>
        public Worker Wake(long seenGeneration)
        {
            int seen = Interlocked.CompareExchange(ref status, Running, Sleeping);
            if (seen == Sleeping)
                wakeUp.Release();
            return seen == Ended ? Start(team, index, seenGeneration) : this;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Loop()
        {
            long seenGeneration = startGeneration;
            while (true)
            {
                if (!WaitForJob(ref seenGeneration))
                    return;
                // Workers beyond the job's thread count stay out of it.
                if (index < Volatile.Read(ref team.helpers))
                    team.RunClaimedChunks(seenGeneration);
            }
        }

        /// <summary>Waits until the team publishes a job newer than <paramref name="seenGeneration"/>; false when
        /// the thread should end instead.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private bool WaitForJob(ref long seenGeneration)
        {
            long spinUntil = Stopwatch.GetTimestamp() + SpinTicks;
            while (true)
            {
                long generation = team.Generation;
                if (generation != seenGeneration)
                {
                    seenGeneration = generation;
                    return true;
                }
                long now = Stopwatch.GetTimestamp();
                if (now < spinUntil)
                {
                    // In place for the first microseconds (the next fork of a training step is usually that close),
                    // then yielding: on an idle core a yield returns at once, but when other processes want the
                    // cores (the usual state of a shared 2-core machine) a worker spinning in place for long took a
                    // core from its own caller, and two threads ran at 0.6-0.8 of one.
                    if (spinUntil - now > SpinTicks - PauseTicks)
                        Thread.SpinWait(20);
                    else
                        Thread.Yield();
                    continue;
                }
                Volatile.Write(ref status, Sleeping);
                Interlocked.MemoryBarrier();
                if (team.Generation != seenGeneration)
                {
                    // A job arrived while going to sleep: take it, unless the caller already claimed the wake-up,
                    // in which case its Release must be consumed.
                    if (Interlocked.CompareExchange(ref status, Running, Sleeping) != Sleeping)
                        wakeUp.Wait();
                }
                else if (!wakeUp.Wait(IdleTimeout))
                {
                    if (Interlocked.CompareExchange(ref status, Ended, Sleeping) == Sleeping)
                        return false;
                    wakeUp.Wait();
                }
                spinUntil = Stopwatch.GetTimestamp() + SpinTicks;
            }
        }
    }
}
