using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNet.Mlp.Benchmarks.Panel;

/// <summary>Rows of a <see cref="PanelDataSet"/> as an ML.NET view with the label type each task's trainers take.</summary>
public static class PanelData
{
    private sealed class BinaryRow
    {
        public bool Label { get; set; }
        public float[] Features { get; set; } = [];
    }

    private sealed class RegressionRow
    {
        public float Label { get; set; }
        public float[] Features { get; set; } = [];
    }

    public static IDataView View(MLContext ml, PanelDataSet set, int[] rows) => set.Task switch
    {
        PanelTask.Binary => Load(ml, set, rows.Select(r => new BinaryRow { Label = set.Labels[r] > 0.5f, Features = set.Features[r] })),
        // Multiclass labels stay numbers here: the pipeline maps them to keys, as a user's would (PanelLearners).
        _ => Load(ml, set, rows.Select(r => new RegressionRow { Label = set.Labels[r], Features = set.Features[r] })),
    };

    private static IDataView Load<TRow>(MLContext ml, PanelDataSet set, IEnumerable<TRow> rows) where TRow : class
    {
        SchemaDefinition schema = SchemaDefinition.Create(typeof(TRow));
        schema["Features"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, set.FeatureCount);
        return ml.Data.LoadFromEnumerable(rows.ToList(), schema);
    }

    /// <summary>Accuracy (classification) or R² = 1 − Σ(y − ŷ)²/Σ(y − ȳ)² over the test rows (regression).</summary>
    public static double Score(PanelTask task, IDataView scored) => task switch
    {
        PanelTask.Binary => Accuracy<bool>(scored),
        PanelTask.Multiclass => Accuracy<uint>(scored),
        _ => RSquared(scored),
    };

    private static double Accuracy<T>(IDataView scored) where T : IEquatable<T>
    {
        T[] labels = scored.GetColumn<T>("Label").ToArray();
        T[] predicted = scored.GetColumn<T>("PredictedLabel").ToArray();
        return labels.Zip(predicted).Count(pair => pair.First.Equals(pair.Second)) / (double)labels.Length;
    }

    private static double RSquared(IDataView scored)
    {
        float[] labels = scored.GetColumn<float>("Label").ToArray();
        float[] scores = scored.GetColumn<float>("Score").ToArray();
        double mean = labels.Average(l => (double)l);
        double residual = labels.Zip(scores).Sum(p => ((double)p.First - p.Second) * ((double)p.First - p.Second));
        double total = labels.Sum(l => ((double)l - mean) * ((double)l - mean));
        return 1 - residual / total;
    }
}
