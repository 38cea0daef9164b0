using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNet.Mlp.Benchmarks.Fashion;

/// <summary>
/// The Fashion-MNIST workloads of build/bench/compare.sh, each printing its figures as one "RESULT {json}" line:
/// <c>mlp-fashion [epochs] [threads] [seed]</c> trains 784-256-10 through ML.NET, one Fit per process so that the peak
/// working set belongs to that Fit; <c>perceptron-fashion [repetitions]</c> alternates our Perceptron and ML.NET's
/// AveragedPerceptron (streaming and over a cache) on T-shirt/top vs Shirt, on two data paths: the byte-streaming
/// view (the cheapest a cursor can be) and <c>LoadFromEnumerable</c> over row objects (how most users hold data).
/// </summary>
public static class FashionBenchmarks
{
    private const int TShirt = 0, Shirt = 6;

    public static void RunMlp(int epochs, int threads, int seed, string directory)
    {
        var mlContext = new MLContext(seed);
        Stopwatch logClock = LogToStandardErrorWhenAsked(mlContext);
        if (Environment.GetEnvironmentVariable("MLP_LOG") is not null)
            Console.Error.WriteLine($"{logClock.Elapsed.TotalSeconds:F3} reading the IDX files");
        // The runtime's own footprint before any data: what the peak is compared against.
        long baselineBytes = ProcessMemory.ResidentBytes();
        FashionMnist train = FashionMnist.Read(directory, "train");
        var epochSeconds = new List<double>();
        var options = new MlpMulticlassTrainer.Options
        {
            HiddenLayerSizes = [256], Activation = MlpActivation.Relu, Optimizer = MlpOptimizer.Sgd,
            LearningRate = 0.05f, Momentum = 0.9f, L2Regularization = 1e-4f, BatchSize = 128,
            NumberOfIterations = epochs, EarlyStopping = false, NumberOfThreads = threads, Seed = seed,
            // Pixels in [0, 1] as PyTorch gets them: the same network on the same inputs.
            FeatureScaling = MlpFeatureScaling.None,
            // One network, as the peers train one (the trainers' default is an ensemble of three).
            EnsembleSize = 1,
            EpochCompleted = epoch => epochSeconds.Add(epoch.Elapsed.TotalSeconds),
        };
        var clock = Stopwatch.StartNew();
        if (Environment.GetEnvironmentVariable("MLP_LOG") is not null)
            Console.Error.WriteLine($"{logClock.Elapsed.TotalSeconds:F3} Fit starts [JIT so far {System.Runtime.JitInfo.GetCompilationTime().TotalSeconds:F3} s, {System.Runtime.JitInfo.GetCompiledMethodCount()} methods]");
        var model = mlContext.MulticlassClassification.Trainers.Mlp(options).Fit(FashionMnistDataView.Multiclass(train));
        double fitSeconds = clock.Elapsed.TotalSeconds;
        long peakBytes = ProcessMemory.PeakResidentBytes();

        // Scoring as ML.NET scores: one row at a time through the transformer, the first pass after Fit.
        FashionMnistDataView test = FashionMnistDataView.Multiclass(FashionMnist.Read(directory, "t10k"));
        clock.Restart();
        double accuracy = MulticlassAccuracy(model.Transform(test));
        double scoreSeconds = clock.Elapsed.TotalSeconds;
        ResultLine.Print(new
        {
            mode = "mlp", epochs, threads, seed, fit_s = fitSeconds, epoch_s = epochSeconds, accuracy, score_s = scoreSeconds,
            peak_bytes = peakBytes, baseline_bytes = baselineBytes,
            feature_copy_bytes = (long)train.RowCount * FashionMnist.PixelCount * sizeof(float),
            idx_bytes = train.Pixels.LongLength,
        });
    }

    /// <summary>
    /// MLP_LOG=1 shows the trainer's log lines with the seconds since the start on stderr: where a Fit's time goes
    /// between reading the data, scaling it and the epochs.
    /// </summary>
    private static Stopwatch LogToStandardErrorWhenAsked(MLContext mlContext)
    {
        var logClock = Stopwatch.StartNew();
        if (Environment.GetEnvironmentVariable("MLP_LOG") is not null)
        {
            mlContext.Log += (_, e) =>
            {
                if (e.Kind >= Microsoft.ML.Runtime.ChannelMessageKind.Info && e.Source.StartsWith("Mlp", StringComparison.Ordinal))
                    Console.Error.WriteLine($"{logClock.Elapsed.TotalSeconds:F3} [JIT so far {System.Runtime.JitInfo.GetCompilationTime().TotalSeconds:F3} s, {System.Runtime.JitInfo.GetCompiledMethodCount()} methods] {e.Message}");
            };
        }
        return logClock;
    }

    /// <summary>
    /// The accuracy issue's 10-class run: 784-256-10, SGD η 0.05, momentum 0.9, batch 128, L2 1e-4, 20 epochs and every
    /// other option at its default (early stopping included), on pixels scaled to [0, 1]: what a user who sets only the
    /// usual SGD knobs gets. <paramref name="overrides"/> ("Name=Value;…") tries other settings on top.
    /// </summary>
    public static void RunMlpWithDefaults(int epochs, int seed, string directory, string? overrides = null)
    {
        var mlContext = new MLContext(seed);
        LogToStandardErrorWhenAsked(mlContext);
        var options = Panel.OptionOverrides.Apply(new MlpMulticlassTrainer.Options
        {
            HiddenLayerSizes = [256], Optimizer = MlpOptimizer.Sgd, LearningRate = 0.05f, Momentum = 0.9f,
            L2Regularization = 1e-4f, BatchSize = 128, NumberOfIterations = epochs, Seed = seed,
        }, Panel.OptionOverrides.Parse(overrides));
        var clock = Stopwatch.StartNew();
        var model = mlContext.MulticlassClassification.Trainers.Mlp(options).Fit(FashionMnistDataView.Multiclass(FashionMnist.Read(directory, "train")));
        double fitSeconds = clock.Elapsed.TotalSeconds;
        double accuracy = MulticlassAccuracy(model.Transform(FashionMnistDataView.Multiclass(FashionMnist.Read(directory, "t10k"))));
        var report = model.Model.TrainingReport;
        ResultLine.Print(new { mode = "mlp-defaults", epochs, seed, fit_s = fitSeconds, accuracy, epochs_run = report.EpochCount, best_epoch = report.BestEpoch,
            validation_accuracy = report.Epochs.Select(e => e.ValidationAccuracy) });
    }

    /// <summary>
    /// The accuracy issue's binary run: T-shirt/top vs Shirt, a binary MLP with one hidden layer of 256 and 20 epochs,
    /// every other option at its default, on pixels scaled to [0, 1] as the other Fashion-MNIST runs take them.
    /// </summary>
    public static void RunBinaryMlpWithDefaults(int epochs, int seed, string directory, string? overrides = null)
    {
        var mlContext = new MLContext(seed);
        var options = Panel.OptionOverrides.Apply(new MlpBinaryTrainer.Options { HiddenLayerSizes = [256], NumberOfIterations = epochs, Seed = seed },
            Panel.OptionOverrides.Parse(overrides));
        var clock = Stopwatch.StartNew();
        var model = mlContext.BinaryClassification.Trainers.Mlp(options).Fit(FashionMnistDataView.Binary(FashionMnist.Read(directory, "train"), TShirt, Shirt));
        double fitSeconds = clock.Elapsed.TotalSeconds;
        double accuracy = BinaryAccuracy(model.Transform(FashionMnistDataView.Binary(FashionMnist.Read(directory, "t10k"), TShirt, Shirt)));
        ResultLine.Print(new { mode = "mlp-binary-defaults", epochs, seed, fit_s = fitSeconds, accuracy, epochs_run = model.Model.TrainingReport.EpochCount,
            best_epoch = model.Model.TrainingReport.BestEpoch });
    }

    public static void RunPerceptron(int repetitions, string directory)
    {
        var mlContext = new MLContext(seed: 1);
        IDataView train = FashionMnistDataView.Binary(FashionMnist.Read(directory, "train"), TShirt, Shirt);
        IDataView test = FashionMnistDataView.Binary(FashionMnist.Read(directory, "t10k"), TShirt, Shirt);
        // The same rows as objects with a float[] of pixels, as a user's class would hold them.
        IDataView trainObjects = mlContext.Data.LoadFromEnumerable(
            mlContext.Data.CreateEnumerable<PixelRow>(train, reuseRowObject: false).ToList());
        // ML.NET's samples cache the data for multi-pass trainers like AveragedPerceptron; the cache fills during
        // the first pass of Fit, so a fresh one per Fit keeps that cost in the timing.
        var trainers = new (string Name, Func<IDataView, ITransformer> Fit)[]
        {
            ("ours", data => mlContext.BinaryClassification.Trainers.Perceptron(new PerceptronTrainer.Options { NumberOfIterations = 10, Seed = 1 }).Fit(data)),
            ("averaged", data => mlContext.BinaryClassification.Trainers.AveragedPerceptron(numberOfIterations: 10).Fit(data)),
            ("averaged-cached", data => mlContext.BinaryClassification.Trainers.AveragedPerceptron(numberOfIterations: 10).Fit(mlContext.Data.Cache(data))),
        };
        // Repetition 0 warms up the JIT and is not reported; then the trainers alternate, so both see the same noise.
        for (int repetition = 0; repetition <= repetitions; repetition++)
        {
            foreach (var (source, data) in new[] { ("stream", train), ("objects", trainObjects) })
            foreach (var (name, fit) in trainers)
            {
                // All run on one thread: their CPU time is less disturbed by other processes than wall time.
                TimeSpan cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
                var clock = Stopwatch.StartNew();
                ITransformer model = fit(data);
                double fitSeconds = clock.Elapsed.TotalSeconds;
                double cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
                if (repetition > 0)
                {
                    ResultLine.Print(new { mode = "perceptron", source, trainer = name, fit_s = fitSeconds, cpu_s = cpuSeconds,
                        accuracy = BinaryAccuracy(model.Transform(test)) });
                }
            }
        }
    }

    private sealed class PixelRow
    {
        public bool Label { get; set; }

        [VectorType(FashionMnist.PixelCount)]
        public float[] Features { get; set; } = [];
    }

    private static double MulticlassAccuracy(IDataView scored) =>
        Accuracy<uint>(scored, (label, predicted) => label == predicted);

    private static double BinaryAccuracy(IDataView scored) =>
        Accuracy<bool>(scored, (label, predicted) => label == predicted);

    private static double Accuracy<T>(IDataView scored, Func<T, T, bool> correct)
    {
        DataViewSchema.Column labelColumn = scored.Schema["Label"], predictedColumn = scored.Schema["PredictedLabel"];
        using DataViewRowCursor cursor = scored.GetRowCursor([labelColumn, predictedColumn]);
        ValueGetter<T> getLabel = cursor.GetGetter<T>(labelColumn), getPredicted = cursor.GetGetter<T>(predictedColumn);
        T label = default!, predicted = default!;
        long rows = 0, right = 0;
        while (cursor.MoveNext())
        {
            getLabel(ref label);
            getPredicted(ref predicted);
            rows++;
            if (correct(label, predicted))
                right++;
        }
        return (double)right / rows;
    }
}
