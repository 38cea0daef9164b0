using System.Runtime.ExceptionServices;

namespace MlNet.Mlp.Engine;

/// <summary>
/// Trains the members of an ensemble side by side. Members are independent (each has its own seed and its own copy of
/// the network, and only reads the training data) and training is bit-identical for any thread count, so splitting the
/// thread budget between members changes the time and nothing else. It pays most on tables: their products are too
/// small to split across threads, so one member at a time leaves every core but one idle.
/// </summary>
public static class EnsembleTraining
{
    /// <summary>
    /// How <paramref name="threadCount"/> threads are shared among <paramref name="memberCount"/> members:
    /// min(members, threads) members at a time, each with ⌊threads ÷ that⌋ threads.
    /// </summary>
    public static (int Concurrent, int ThreadsPerMember) Plan(int memberCount, int threadCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(memberCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(threadCount, 1);
        int concurrent = Math.Min(memberCount, threadCount);
        return (concurrent, threadCount / concurrent);
    }

    /// <summary>
    /// Runs <paramref name="trainMember"/>(member, threads, cancellation) for members 0 … count − 1 as
    /// <see cref="Plan"/> shares the threads; member k's result is element k. When a member throws, members not yet
    /// started are not started, those running are cancelled through the token, and the exception of the lowest
    /// member that failed on its own (not by that cancellation) is rethrown unchanged.
    /// </summary>
    public static TResult[] Run<TResult>(int memberCount, int threadCount, Func<int, int, CancellationToken, TResult> trainMember)
    {
        ArgumentNullException.ThrowIfNull(trainMember);
        (int concurrent, int threadsPerMember) = Plan(memberCount, threadCount);
        var results = new TResult[memberCount];
        if (concurrent == 1)
        {
            for (int k = 0; k < memberCount; k++)
                results[k] = trainMember(k, threadsPerMember, CancellationToken.None);
            return results;
        }

        var failures = new ExceptionDispatchInfo?[memberCount];
        using var failed = new CancellationTokenSource();
        int next = -1;
        void TakeMembers()
        {
            for (int k = Interlocked.Increment(ref next); k < memberCount && !failed.IsCancellationRequested; k = Interlocked.Increment(ref next))
            {
                try
                {
                    results[k] = trainMember(k, threadsPerMember, failed.Token);
                }
                catch (Exception e)
                {
                    failures[k] = ExceptionDispatchInfo.Capture(e);
                    failed.Cancel();
                }
            }
        }

        // Dedicated threads rather than the pool's: a member runs for seconds to minutes, and each thread that trains
        // keeps its own team of helpers for the products (Kernels.WorkerTeam is per calling thread).
        var helpers = new Thread[concurrent - 1];
        for (int t = 0; t < helpers.Length; t++)
        {
            helpers[t] = new Thread(TakeMembers) { IsBackground = true, Name = $"MlNet.Mlp ensemble member {t + 2}" };
            helpers[t].Start();
        }
        TakeMembers();
        foreach (Thread helper in helpers)
            helper.Join();

        ExceptionDispatchInfo? first = failures.FirstOrDefault(f => f is not null && !CancelledBy(f.SourceException, failed.Token))
            ?? failures.FirstOrDefault(f => f is not null);
        first?.Throw();
        return results;
    }

    private static bool CancelledBy(Exception e, CancellationToken token) =>
        e is OperationCanceledException cancelled && cancelled.CancellationToken == token;
}
