using MlNet.Mlp.Engine;
using Xunit;

namespace MlNet.Mlp.Tests.Engine;

/// <summary>How <see cref="EnsembleTraining"/> shares threads among ensemble members, and what it does when one fails.</summary>
public class EnsembleSchedulingTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(3, 2, 2, 1)]
    [InlineData(3, 16, 3, 5)]
    [InlineData(1, 4, 1, 4)]
    [InlineData(5, 1, 1, 1)]
    [InlineData(2, 2, 2, 1)]
    public void Threads_are_shared_as_min_of_members_and_threads_at_once(int members, int threads, int concurrent, int threadsPerMember) =>
        Assert.Equal((concurrent, threadsPerMember), EnsembleTraining.Plan(members, threads));

    [Fact]
    public void Each_member_result_lands_in_its_own_slot_and_members_run_side_by_side()
    {
        // Both members of the first pair must be running at once to pass the barrier.
        using var pair = new Barrier(2);
        var threadCounts = new int[4];
        int[] results = EnsembleTraining.Run(4, 2, (member, threads, _) =>
        {
            threadCounts[member] = threads;
            if (member < 2)
                Assert.True(pair.SignalAndWait(Patience), "the first two members did not run side by side");
            return member * 10;
        });
        Assert.Equal([0, 10, 20, 30], results);
        Assert.All(threadCounts, t => Assert.Equal(1, t));
    }

    [Fact]
    public void One_thread_trains_the_members_in_order_on_the_calling_thread()
    {
        var order = new List<int>();
        int caller = Environment.CurrentManagedThreadId;
        EnsembleTraining.Run(3, 1, (member, threads, cancellation) =>
        {
            Assert.Equal(caller, Environment.CurrentManagedThreadId);
            Assert.Equal(1, threads);
            Assert.False(cancellation.CanBeCanceled);
            order.Add(member);
            return 0;
        });
        Assert.Equal([0, 1, 2], order);
    }

    [Fact]
    public void A_failing_member_cancels_the_others_and_its_own_exception_is_rethrown()
    {
        int started = 0;
        var error = Assert.Throws<InvalidOperationException>(() => EnsembleTraining.Run<int>(5, 2, (member, _, cancellation) =>
        {
            Interlocked.Increment(ref started);
            if (member == 1)
                throw new InvalidOperationException("member 1 diverged");
            // Member 0 runs until the failure cancels it, and then ends as a cancelled training does.
            Assert.True(cancellation.WaitHandle.WaitOne(Patience), "member 0 was not cancelled");
            cancellation.ThrowIfCancellationRequested();
            return 0;
        }));
        Assert.Equal("member 1 diverged", error.Message);
        Assert.Equal(2, started);
    }

    [Fact]
    public void When_every_member_fails_the_lowest_member_s_exception_is_rethrown()
    {
        using var pair = new Barrier(2);
        var error = Assert.Throws<ArgumentException>(() => EnsembleTraining.Run<int>(2, 2, (member, _, _) =>
        {
            pair.SignalAndWait(Patience);
            throw new ArgumentException($"member {member}");
        }));
        Assert.Equal("member 0", error.Message);
    }
}
