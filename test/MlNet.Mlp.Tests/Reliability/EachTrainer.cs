using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNet.Mlp.Tests.Reliability;

public enum TrainerKind { Perceptron, MlpBinary, MlpMulticlass, MlpRegression, MlpMultiOutput, MlpMultiLabel }

/// <summary>
/// Builds data of the right label type for each of our trainers from features and a label value, and trains, so that
/// one table of data cases runs against every trainer.
/// </summary>
internal static class EachTrainer
{
    public const int FeatureCount = 2;

    public sealed class BinaryRow
    {
        public bool Label { get; set; }
        [VectorType(FeatureCount)] public float[] Features { get; set; } = [];
    }

    public sealed class KeyRow
    {
        // Raw keys 1–3 are valid only with KeyType(4): under KeyType(3) ML.NET reads 3 as a missing label.
        [KeyType(4)] public uint Label { get; set; }
        [VectorType(FeatureCount)] public float[] Features { get; set; } = [];
    }

    public sealed class RegressionRow
    {
        public float Label { get; set; }
        [VectorType(FeatureCount)] public float[] Features { get; set; } = [];
    }

    public sealed class MultiOutputRow
    {
        [VectorType(2)] public float[] Label { get; set; } = [];
        [VectorType(FeatureCount)] public float[] Features { get; set; } = [];
    }

    public sealed class MultiLabelRow
    {
        [VectorType(2)] public bool[] Label { get; set; } = [];
        [VectorType(FeatureCount)] public float[] Features { get; set; } = [];
    }

    public static readonly TrainerKind[] All = Enum.GetValues<TrainerKind>();

    /// <summary>
    /// Rows whose label is read from <paramref name="label"/>: binary true when &gt; 0, multiclass key 1–3 from the
    /// value's rounded bucket (−1 → 1, 0 → 2, 1 → 3), regression the value itself.
    /// </summary>
    public static IDataView Data(MLContext ml, TrainerKind kind, IEnumerable<(float[] Features, float Label)> rows) => kind switch
    {
        TrainerKind.Perceptron or TrainerKind.MlpBinary =>
            ml.Data.LoadFromEnumerable(rows.Select(r => new BinaryRow { Features = r.Features, Label = r.Label > 0 }).ToList()),
        TrainerKind.MlpMulticlass =>
            ml.Data.LoadFromEnumerable(rows.Select(r => new KeyRow { Features = r.Features, Label = (uint)(Math.Clamp(MathF.Round(r.Label), -1, 1) + 2) }).ToList()),
        TrainerKind.MlpMultiOutput =>
            ml.Data.LoadFromEnumerable(rows.Select(r => new MultiOutputRow { Features = r.Features, Label = [r.Label, 10 - 3 * r.Label] }).ToList()),
        TrainerKind.MlpMultiLabel =>
            ml.Data.LoadFromEnumerable(rows.Select(r => new MultiLabelRow { Features = r.Features, Label = [r.Label > 0, r.Label < 0] }).ToList()),
        _ => ml.Data.LoadFromEnumerable(rows.Select(r => new RegressionRow { Features = r.Features, Label = r.Label }).ToList()),
    };

    /// <summary>Seeded rows in [−1, 1)² whose label is the sign of x₁ + x₂ (as −1 or 1).</summary>
    public static List<(float[] Features, float Label)> Separable(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ =>
        {
            float[] x = [(float)(random.NextDouble() * 2 - 1), (float)(random.NextDouble() * 2 - 1)];
            return (x, x[0] + x[1] > 0 ? 1f : -1f);
        }).ToList();
    }

    /// <summary>A small, quick configuration of each trainer with a fixed seed.</summary>
    public static IEstimator<ITransformer> Create(MLContext ml, TrainerKind kind, int batchSize = 8, int hiddenUnits = 4, int? threads = null) => kind switch
    {
        TrainerKind.Perceptron => ml.BinaryClassification.Trainers.Perceptron(new PerceptronTrainer.Options
        {
            NumberOfIterations = 20, BatchSize = batchSize, Seed = 1,
        }),
        TrainerKind.MlpBinary => ml.BinaryClassification.Trainers.Mlp(new MlpBinaryTrainer.Options
        {
            HiddenLayerSizes = [hiddenUnits], NumberOfIterations = 20, BatchSize = batchSize, EarlyStopping = false, Seed = 1, NumberOfThreads = threads,
        }),
        TrainerKind.MlpMulticlass => ml.MulticlassClassification.Trainers.Mlp(new MlpMulticlassTrainer.Options
        {
            HiddenLayerSizes = [hiddenUnits], NumberOfIterations = 20, BatchSize = batchSize, EarlyStopping = false, Seed = 1, NumberOfThreads = threads,
        }),
        TrainerKind.MlpMultiOutput => ml.Regression.Trainers.MlpMultiOutput(new MlpMultiOutputRegressionTrainer.Options
        {
            HiddenLayerSizes = [hiddenUnits], NumberOfIterations = 20, BatchSize = batchSize, EarlyStopping = false, Seed = 1, NumberOfThreads = threads,
        }),
        TrainerKind.MlpMultiLabel => ml.BinaryClassification.Trainers.MlpMultiLabel(new MlpMultiLabelTrainer.Options
        {
            HiddenLayerSizes = [hiddenUnits], NumberOfIterations = 20, BatchSize = batchSize, EarlyStopping = false, Seed = 1, NumberOfThreads = threads,
        }),
        _ => ml.Regression.Trainers.Mlp(new MlpRegressionTrainer.Options
        {
            HiddenLayerSizes = [hiddenUnits], NumberOfIterations = 20, BatchSize = batchSize, EarlyStopping = false, Seed = 1, NumberOfThreads = threads,
        }),
    };

    /// <summary>Every weight, bias and label-scaling value of the trained model.</summary>
    public static float[] Parameters(ITransformer trained)
    {
        object model = ((ISingleFeaturePredictionTransformer<object>)trained).Model;
        return model switch
        {
            PerceptronModelParameters p => [.. p.Weights, p.Bias],
            MlpRegressionModelParameters r => [.. MlpParameters(r), r.LabelMean, r.LabelScale],
            MlpMultiOutputModelParameters m => [.. MlpParameters(m), .. m.LabelMeans, .. m.LabelScales],
            MlpModelParameters m => [.. MlpParameters(m)],
            _ => throw new InvalidOperationException($"Unexpected model type {model.GetType().Name}."),
        };
    }

    private static IEnumerable<float> MlpParameters(MlpModelParameters model) =>
        model.Weights.SelectMany(w => w).Concat(model.Biases.SelectMany(b => b));

    /// <summary>The Score column as one flat array (multiclass, multi-output and multi-label scores are vectors).</summary>
    public static float[] Scores(IDataView scored) =>
        scored.Schema["Score"].Type is VectorDataViewType
            ? scored.GetColumn<float[]>("Score").SelectMany(s => s).ToArray()
            : scored.GetColumn<float>("Score").ToArray();
}
