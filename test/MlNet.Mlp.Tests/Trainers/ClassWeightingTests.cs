using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;

namespace MlNet.Mlp.Tests.Trainers;

public class ClassWeightingTests
{
    private sealed class Row
    {
        public bool Label { get; set; }
        [VectorType(2)] public float[] Features { get; set; } = [];
    }

    /// <summary>Overlapping classes, one in ten rows positive: unweighted training mostly predicts the majority.</summary>
    private static List<Row> Imbalanced(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(i =>
        {
            bool positive = i % 10 == 0;
            float shift = positive ? 0.8f : -0.2f;
            return new Row { Label = positive, Features = [shift + (float)(random.NextDouble() * 2 - 1), shift + (float)(random.NextDouble() * 2 - 1)] };
        }).ToList();
    }

    [Fact]
    public void BalancedWeightingRaisesTheRecallOfTheRareClass()
    {
        var ml = new MLContext(seed: 1);
        IDataView train = ml.Data.LoadFromEnumerable(Imbalanced(1000, 1));
        IDataView test = ml.Data.LoadFromEnumerable(Imbalanced(1000, 2));
        double Recall(MlpClassWeighting weighting) => ml.BinaryClassification.Evaluate(ml.BinaryClassification.Trainers.Mlp(new MlpBinaryTrainer.Options
        {
            HiddenLayerSizes = [8], NumberOfIterations = 30, Seed = 1, EnsembleSize = 1, ClassWeighting = weighting,
        }).Fit(train).Transform(test)).PositiveRecall;
        double none = Recall(MlpClassWeighting.None), balanced = Recall(MlpClassWeighting.Balanced);
        Assert.True(balanced > none + 0.2, $"positive recall: balanced {balanced:F3}, unweighted {none:F3}");
    }

    [Fact]
    public void BalancedWeightsOnBalancedClassesChangeNothing()
    {
        var ml = new MLContext(seed: 1);
        var rows = Imbalanced(400, 3).Select((r, i) => new Row { Label = i % 2 == 0, Features = r.Features }).ToList();
        IDataView data = ml.Data.LoadFromEnumerable(rows);
        float[] Weights(MlpClassWeighting weighting) => ml.BinaryClassification.Trainers.Mlp(new MlpBinaryTrainer.Options
        {
            HiddenLayerSizes = [4], NumberOfIterations = 3, Seed = 1, EnsembleSize = 1, ClassWeighting = weighting,
        }).Fit(data).Model.Weights.SelectMany(w => w).ToArray();
        Assert.Equal(Weights(MlpClassWeighting.None), Weights(MlpClassWeighting.Balanced));
    }
}
