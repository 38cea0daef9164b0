using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNet.Mlp.Benchmarks;

/// <summary>
/// Our side of build/bench/multi_output_peer.py: <c>multi-output-peer settings.json</c> reads a task written by the
/// script (a CSV of fold, features, targets and the hyperparameters both sides use), cross-validates our multi-output
/// regression or multi-label trainer on exactly those folds, writes every held-out prediction to the file the settings
/// name, and prints one "RESULT {json}" line: fit seconds per fold and our own evaluator's metrics on the pooled
/// held-out predictions (the script computes both sides' reported metrics with scikit-learn's functions).
/// </summary>
internal static class MultiOutputPeer
{
    private sealed record Settings(string Csv, string Kind, int Targets, int[] Hidden, string Activation, float LearningRate,
        float L2, int BatchSize, int Epochs, int Seed, string Predictions);

    private sealed class RegressionRow
    {
        public float[] Features { get; set; } = [];
        public float[] Label { get; set; } = [];
    }

    private sealed class LabelRow
    {
        public float[] Features { get; set; } = [];
        public bool[] Label { get; set; } = [];
    }

    public static void Run(string settingsPath)
    {
        var settings = JsonSerializer.Deserialize<Settings>(File.ReadAllText(settingsPath), new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!;
        string[] lines = File.ReadAllLines(settings.Csv).Skip(1).Where(l => l.Length > 0).ToArray();
        float[][] values = lines.Select(l => l.Split(',').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToArray();
        int[] folds = values.Select(v => (int)v[0]).ToArray();
        int featureCount = values[0].Length - 1 - settings.Targets;
        float[][] features = values.Select(v => v[1..(1 + featureCount)]).ToArray();
        float[][] targets = values.Select(v => v[(1 + featureCount)..]).ToArray();
        bool regression = settings.Kind == "regression";

        var ml = new MLContext(seed: settings.Seed);
        var predictions = new float[values.Length][];
        var fitSeconds = new List<double>();
        foreach (int fold in folds.Distinct().Order())
        {
            int[] train = Enumerable.Range(0, values.Length).Where(i => folds[i] != fold).ToArray();
            int[] test = Enumerable.Range(0, values.Length).Where(i => folds[i] == fold).ToArray();
            var clock = Stopwatch.StartNew();
            ITransformer model = Trainer(ml, settings, regression).Fit(Load(ml, train, features, targets, regression, featureCount, settings.Targets));
            fitSeconds.Add(clock.Elapsed.TotalSeconds);
            IDataView scored = model.Transform(Load(ml, test, features, targets, regression, featureCount, settings.Targets));
            float[][] output = scored.GetColumn<float[]>(regression ? "Score" : "Probability").ToArray();
            for (int k = 0; k < test.Length; k++)
                predictions[test[k]] = output[k];
        }
        File.WriteAllLines(settings.Predictions, predictions.Select(p => string.Join(',', p.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))));

        ResultLine.Print(new { fit_s = fitSeconds, own_metrics = OwnMetrics(ml, targets, predictions, regression) });
    }

    private static IEstimator<ITransformer> Trainer(MLContext ml, Settings s, bool regression)
    {
        var activation = Enum.Parse<MlpActivation>(s.Activation, ignoreCase: true);
        if (regression)
        {
            return ml.Regression.Trainers.MlpMultiOutput(new MlpMultiOutputRegressionTrainer.Options
            {
                HiddenLayerSizes = s.Hidden, Activation = activation, LearningRate = s.LearningRate, L2Regularization = s.L2,
                BatchSize = s.BatchSize, NumberOfIterations = s.Epochs, EarlyStopping = false, Seed = s.Seed,
            });
        }
        return ml.BinaryClassification.Trainers.MlpMultiLabel(new MlpMultiLabelTrainer.Options
        {
            HiddenLayerSizes = s.Hidden, Activation = activation, LearningRate = s.LearningRate, L2Regularization = s.L2,
            BatchSize = s.BatchSize, NumberOfIterations = s.Epochs, EarlyStopping = false, Seed = s.Seed,
        });
    }

    private static IDataView Load(MLContext ml, int[] rows, float[][] features, float[][] targets, bool regression, int featureCount, int targetCount)
    {
        if (regression)
        {
            var schema = SchemaDefinition.Create(typeof(RegressionRow));
            schema["Features"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, featureCount);
            schema["Label"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, targetCount);
            return ml.Data.LoadFromEnumerable(rows.Select(i => new RegressionRow { Features = features[i], Label = targets[i] }).ToList(), schema);
        }
        var labelSchema = SchemaDefinition.Create(typeof(LabelRow));
        labelSchema["Features"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, featureCount);
        labelSchema["Label"].ColumnType = new VectorDataViewType(BooleanDataViewType.Instance, targetCount);
        return ml.Data.LoadFromEnumerable(rows.Select(i => new LabelRow { Features = features[i], Label = targets[i].Select(t => t > 0.5f).ToArray() }).ToList(),
            labelSchema);
    }

    private sealed class ScoredRegressionRow
    {
        public float[] Label { get; set; } = [];
        public float[] Score { get; set; } = [];
    }

    private sealed class ScoredLabelRow
    {
        public bool[] Label { get; set; } = [];
        public float[] Probability { get; set; } = [];
        public bool[] PredictedLabel { get; set; } = [];
    }

    /// <summary>Our evaluators on the pooled held-out predictions, for the script to check against scikit-learn's metrics.</summary>
    private static object OwnMetrics(MLContext ml, float[][] targets, float[][] predictions, bool regression)
    {
        int k = targets[0].Length;
        if (regression)
        {
            var schema = SchemaDefinition.Create(typeof(ScoredRegressionRow));
            schema["Label"].ColumnType = schema["Score"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, k);
            var rows = targets.Zip(predictions, (t, p) => new ScoredRegressionRow { Label = t, Score = p }).ToList();
            MultiOutputRegressionMetrics m = ml.Regression.EvaluateMultiOutput(ml.Data.LoadFromEnumerable(rows, schema));
            return new { r2 = m.PerOutput.Select(o => o.RSquared) };
        }
        var labelSchema = SchemaDefinition.Create(typeof(ScoredLabelRow));
        labelSchema["Label"].ColumnType = labelSchema["PredictedLabel"].ColumnType = new VectorDataViewType(BooleanDataViewType.Instance, k);
        labelSchema["Probability"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, k);
        var labelRows = targets.Zip(predictions, (t, p) => new ScoredLabelRow
        {
            Label = t.Select(v => v > 0.5f).ToArray(), Probability = p, PredictedLabel = p.Select(v => v > 0.5f).ToArray(),
        }).ToList();
        MultiLabelClassificationMetrics metrics = ml.BinaryClassification.EvaluateMultiLabel(ml.Data.LoadFromEnumerable(labelRows, labelSchema));
        return new
        {
            accuracy = metrics.PerLabel.Select(l => l.Accuracy), auc = metrics.PerLabel.Select(l => l.AreaUnderRocCurve), f1 = metrics.PerLabel.Select(l => l.F1Score),
            hamming = metrics.HammingLoss, subset = metrics.SubsetAccuracy, micro_f1 = metrics.MicroF1Score, macro_f1 = metrics.MacroF1Score,
        };
    }
}
