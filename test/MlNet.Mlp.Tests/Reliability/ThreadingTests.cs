using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;

namespace MlNet.Mlp.Tests.Reliability;

public class ThreadingTests
{
    private const int Threads = 8;

    public static TheoryData<TrainerKind> AllTrainers => new(EachTrainer.All);

    public static TheoryData<TrainerKind> MlpTrainers =>
        new(TrainerKind.MlpBinary, TrainerKind.MlpMulticlass, TrainerKind.MlpRegression, TrainerKind.MlpMultiOutput, TrainerKind.MlpMultiLabel);

    [Theory]
    [MemberData(nameof(AllTrainers))]
    public void A_loaded_model_transforms_from_eight_threads_at_once_with_exactly_the_serial_scores(TrainerKind kind)
    {
        var ml = new MLContext(seed: 1);
        IDataView data = EachTrainer.Data(ml, kind, EachTrainer.Separable(300, seed: 1));
        ITransformer model = SavedAndLoaded(ml, EachTrainer.Create(ml, kind).Fit(data), data);
        float[] serial = EachTrainer.Scores(model.Transform(data));

        float[][] parallel = OnThreadsAtOnce(() => EachTrainer.Scores(model.Transform(data)));

        Assert.All(parallel, scores => Assert.Equal(serial, scores));
    }

    [Theory]
    [MemberData(nameof(AllTrainers))]
    public void One_prediction_engine_per_thread_gives_exactly_the_serial_scores(TrainerKind kind)
    {
        var ml = new MLContext(seed: 1);
        var rows = EachTrainer.Separable(300, seed: 2);
        IDataView data = EachTrainer.Data(ml, kind, rows);
        ITransformer model = SavedAndLoaded(ml, EachTrainer.Create(ml, kind).Fit(data), data);
        float[] serial = EachTrainer.Scores(model.Transform(data));

        float[][] parallel = OnThreadsAtOnce(() => PredictEach(ml, kind, model, rows));

        Assert.All(parallel, scores => Assert.Equal(serial, scores));
    }

    [Theory]
    [MemberData(nameof(MlpTrainers))]
    public void Training_with_1_2_or_4_threads_gives_bit_identical_models_for_the_same_seed(TrainerKind kind)
    {
        // 1,024 hidden units and batches of 512 make every matrix product big enough (≥ 0.5M multiply-adds) for the
        // GEMM to split it across threads, so the thread count really changes how the work is divided.
        var ml = new MLContext(seed: 1);
        IDataView data = EachTrainer.Data(ml, kind, EachTrainer.Separable(1024, seed: 3));
        float[] Train(int threads) => EachTrainer.Parameters(EachTrainer.Create(ml, kind, batchSize: 512, hiddenUnits: 1024, threads: threads).Fit(data));

        float[] one = Train(1);
        Assert.Equal(one, Train(2));
        Assert.Equal(one, Train(4));
    }

    private static ITransformer SavedAndLoaded(MLContext ml, ITransformer model, IDataView data)
    {
        using var stream = new MemoryStream();
        ml.Model.Save(model, data.Schema, stream);
        stream.Position = 0;
        return ml.Model.Load(stream, out _);
    }

    /// <summary>Runs <paramref name="work"/> on <see cref="Threads"/> threads released together by a barrier.</summary>
    private static T[] OnThreadsAtOnce<T>(Func<T> work)
    {
        var results = new T[Threads];
        var errors = new Exception?[Threads];
        using var barrier = new Barrier(Threads);
        var threads = Enumerable.Range(0, Threads).Select(i => new Thread(() =>
        {
            try
            {
                barrier.SignalAndWait();
                results[i] = work();
            }
            catch (Exception e)
            {
                errors[i] = e;
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Assert.All(errors, Assert.Null);
        return results;
    }

    private static float[] PredictEach(MLContext ml, TrainerKind kind, ITransformer model, List<(float[] Features, float Label)> rows)
    {
        // One engine per thread: an engine is not thread-safe, the model under it must be.
        switch (kind)
        {
            case TrainerKind.MlpMulticlass:
                var vectorEngine = ml.Model.CreatePredictionEngine<EachTrainer.KeyRow, VectorScore>(model);
                return rows.SelectMany(r => vectorEngine.Predict(new EachTrainer.KeyRow { Features = r.Features, Label = 1 }).Score).ToArray();
            case TrainerKind.MlpMultiOutput:
                var multiOutputEngine = ml.Model.CreatePredictionEngine<EachTrainer.MultiOutputRow, VectorScore>(model);
                return rows.SelectMany(r => multiOutputEngine.Predict(new EachTrainer.MultiOutputRow { Features = r.Features, Label = [0, 0] }).Score).ToArray();
            case TrainerKind.MlpMultiLabel:
                var multiLabelEngine = ml.Model.CreatePredictionEngine<EachTrainer.MultiLabelRow, VectorScore>(model);
                return rows.SelectMany(r => multiLabelEngine.Predict(new EachTrainer.MultiLabelRow { Features = r.Features, Label = [false, false] }).Score).ToArray();
            case TrainerKind.MlpRegression:
                var regressionEngine = ml.Model.CreatePredictionEngine<EachTrainer.RegressionRow, ScalarScore>(model);
                return rows.Select(r => regressionEngine.Predict(new EachTrainer.RegressionRow { Features = r.Features }).Score).ToArray();
            default:
                var binaryEngine = ml.Model.CreatePredictionEngine<EachTrainer.BinaryRow, ScalarScore>(model);
                return rows.Select(r => binaryEngine.Predict(new EachTrainer.BinaryRow { Features = r.Features }).Score).ToArray();
        }
    }

    private sealed class ScalarScore
    {
        public float Score { get; set; }
    }

    private sealed class VectorScore
    {
        public float[] Score { get; set; } = [];
    }
}
