using System.Diagnostics;
using Microsoft.ML;
using MlNet.Mlp.Engine;
using MlNet.Mlp.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace MlNet.Mlp.Tests.Reliability;

/// <summary>
/// <c>mlContext.CancelExecution()</c> during Fit: the training throws <see cref="OperationCanceledException"/> before
/// its next mini-batch (the perceptron within 1,024 examples), and the same context trains normally afterwards.
/// </summary>
public class CancellationTests(ITestOutputHelper output)
{
    public static TheoryData<TrainerKind> MlpTrainers => new(TrainerKind.MlpBinary, TrainerKind.MlpMulticlass, TrainerKind.MlpRegression);

    [Theory]
    [MemberData(nameof(MlpTrainers))]
    public void Cancelling_at_the_end_of_an_epoch_stops_before_the_next_mini_batch_and_the_context_stays_usable(TrainerKind kind)
    {
        var ml = new MLContext(seed: 1);
        IDataView data = EachTrainer.Data(ml, kind, EachTrainer.Separable(500, seed: 1));
        var epochsCompleted = new List<int>();
        // Pattern mode: 500 mini-batches per epoch. Stopping "within one mini-batch" means epoch 2 never completes, in
        // any ensemble member: members training side by side may each have finished their first epoch by the time
        // the first report cancels.
        var trainer = Create(ml, kind, epoch =>
        {
            lock (epochsCompleted)
                epochsCompleted.Add(epoch.Epoch);
            ml.CancelExecution();
        });

        Assert.ThrowsAny<OperationCanceledException>(() => trainer.Fit(data));
        Assert.NotEmpty(epochsCompleted);
        Assert.All(epochsCompleted, epoch => Assert.Equal(1, epoch));

        ITransformer again = EachTrainer.Create(ml, kind).Fit(data);
        Assert.All(EachTrainer.Scores(again.Transform(data)), s => Assert.True(float.IsFinite(s)));
    }

    [Theory]
    [MemberData(nameof(MlpTrainers))]
    public async Task Cancelling_mid_epoch_from_another_thread_stops_long_before_the_epoch_would_end(TrainerKind kind)
    {
        var ml = new MLContext(seed: 1);
        IDataView data = EachTrainer.Data(ml, kind, EachTrainer.Separable(64_000, seed: 2));
        // Asynchronous continuations: the rest of this test must not run inline on the training thread that completes it.
        var firstEpoch = new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously);
        int lastEpochCompleted = 0;
        var trainer = Create(ml, kind, epoch =>
        {
            Volatile.Write(ref lastEpochCompleted, Math.Max(lastEpochCompleted, epoch.Epoch));
            firstEpoch.TrySetResult(epoch.Elapsed);
        });
        var training = Task.Run(() => trainer.Fit(data));

        TimeSpan epochTime = await firstEpoch.Task;
        Thread.Sleep(epochTime / 4); // well inside epoch 2
        var sinceCancel = Stopwatch.StartNew();
        ml.CancelExecution();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => training);
        sinceCancel.Stop();

        output.WriteLine($"{kind}: an epoch took {epochTime.TotalMilliseconds:F0} ms (64,000 mini-batches); stopped {sinceCancel.Elapsed.TotalMilliseconds:F1} ms after cancelling");
        // Cancelled a quarter into epoch 2, with three quarters of an epoch (64,000 mini-batches) still to run: a
        // cancellation that waited for the epoch's end would let epoch 2 complete and be reported. Wall-clock time
        // after cancelling is printed, not asserted: in a full parallel test run this thread's own wake-up can be
        // late by more than a short epoch.
        Assert.Equal(1, Volatile.Read(ref lastEpochCompleted));
    }

    [Fact]
    public void After_a_cancel_our_trainers_and_new_estimators_fit_and_earlier_ML_NET_estimators_stay_cancelled()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = TestData.BreastCancer(ml);
        var ours = ml.BinaryClassification.Trainers.Mlp(new MlpBinaryTrainer.Options { HiddenLayerSizes = [4], NumberOfIterations = 2, Seed = 1 });
        var earlierNormalizer = ml.Transforms.NormalizeMinMax("Features");

        ml.CancelExecution();

        Assert.Equal(2, ours.Fit(data).Model.TrainingReport.EpochCount);
        Assert.NotNull(ml.Transforms.NormalizeMinMax("Features").Fit(data));
        // As the README says: ML.NET marks its estimators' hosts for good, so a pipeline is built again after a cancel.
        Assert.ThrowsAny<OperationCanceledException>(() => earlierNormalizer.Fit(data));
    }

    [Fact]
    public void Cancelling_the_perceptron_stops_it_and_the_context_trains_again()
    {
        var ml = new MLContext(seed: 1);
        // Noisy labels: never separable, so training would run all 10⁶ iterations.
        var rows = EachTrainer.Separable(20_000, seed: 3).Select((r, i) => (r.Features, i % 7 == 0 ? -r.Label : r.Label)).ToList();
        IDataView data = EachTrainer.Data(ml, TrainerKind.Perceptron, rows);
        var trainer = ml.BinaryClassification.Trainers.Perceptron(new PerceptronTrainer.Options { NumberOfIterations = 1_000_000, Seed = 1 });
        Task training = StartAndWaitUntilTraining(ml, () => trainer.Fit(data));
        var sinceCancel = Stopwatch.StartNew();
        ml.CancelExecution();
        AssertCancelledWithin(training, TimeSpan.FromSeconds(30));
        output.WriteLine($"perceptron stopped {sinceCancel.Elapsed.TotalMilliseconds:F1} ms after cancelling");
        // One pass over 20,000 rows takes a few ms; it checks every 1,024 rows.
        Assert.True(sinceCancel.Elapsed < TimeSpan.FromSeconds(2), $"stopped {sinceCancel.Elapsed} after cancelling");

        var again = ml.BinaryClassification.Trainers.Perceptron(new PerceptronTrainer.Options { NumberOfIterations = 3, Seed = 1 }).Fit(data);
        Assert.Equal(3, again.Model.TrainingReport.NumberOfIterations);
    }

    /// <summary>
    /// Starts <paramref name="fit"/> and returns once the trainer has opened its "Training" channel, which it does
    /// after registering the host that CancelExecution cancels. Cancelling after a fixed sleep instead races with the
    /// thread pool on a loaded machine: a Fit that has not yet started is not cancelled, and runs all its iterations.
    /// </summary>
    internal static Task StartAndWaitUntilTraining(MLContext ml, Action fit)
    {
        var started = new TaskCompletionSource();
        ml.Log += (_, e) => { if (e.Message.Contains("; Training, Kind=Trace] Channel started")) started.TrySetResult(); };
        Task training = Task.Run(fit);
        Assert.True(Task.WaitAny(started.Task, training, Task.Delay(TimeSpan.FromSeconds(60))) == 0, "training did not start");
        return training;
    }

    /// <summary>Fails instead of hanging the run when cancellation does not stop the training.</summary>
    internal static void AssertCancelledWithin(Task training, TimeSpan limit)
    {
        Assert.True(Task.WaitAny([training], limit) == 0, $"training still running {limit} after CancelExecution");
        Assert.ThrowsAny<OperationCanceledException>(() => training.GetAwaiter().GetResult());
    }

    private static IEstimator<ITransformer> Create(MLContext ml, TrainerKind kind, Action<EpochSummary> epochCompleted) => kind switch
    {
        TrainerKind.MlpBinary => ml.BinaryClassification.Trainers.Mlp(new MlpBinaryTrainer.Options
        {
            HiddenLayerSizes = [16], BatchSize = 1, NumberOfIterations = 100_000, EarlyStopping = false, Seed = 1, EpochCompleted = epochCompleted,
        }),
        TrainerKind.MlpMulticlass => ml.MulticlassClassification.Trainers.Mlp(new MlpMulticlassTrainer.Options
        {
            HiddenLayerSizes = [16], BatchSize = 1, NumberOfIterations = 100_000, EarlyStopping = false, Seed = 1, EpochCompleted = epochCompleted,
        }),
        _ => ml.Regression.Trainers.Mlp(new MlpRegressionTrainer.Options
        {
            HiddenLayerSizes = [16], BatchSize = 1, NumberOfIterations = 100_000, EarlyStopping = false, Seed = 1, EpochCompleted = epochCompleted,
        }),
    };
}
