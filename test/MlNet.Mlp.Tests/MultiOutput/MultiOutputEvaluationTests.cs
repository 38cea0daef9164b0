using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;

namespace MlNet.Mlp.Tests.MultiOutput;

public class MultiOutputEvaluationTests
{
    private sealed class ScoredRegressionRow
    {
        [VectorType(2)] public float[] Label { get; set; } = [];
        [VectorType(2)] public float[] Score { get; set; } = [];
    }

    private sealed class ScalarRow
    {
        public float Label { get; set; }
        public float Score { get; set; }
    }

    private sealed class ScoredMultiLabelRow
    {
        [VectorType(2)] public bool[] Label { get; set; } = [];
        [VectorType(2)] public float[] Probability { get; set; } = [];
        [VectorType(2)] public bool[] PredictedLabel { get; set; } = [];
    }

    private sealed class BinaryScoreRow
    {
        public bool Label { get; set; }
        public float Score { get; set; }
        public bool PredictedLabel { get; set; }
    }

    [Fact]
    public void Each_outputs_metrics_are_exactly_those_of_MLNETs_Evaluate_on_that_output()
    {
        var ml = new MLContext(seed: 1);
        var random = new Random(1);
        var rows = Enumerable.Range(0, 50).Select(_ =>
        {
            float a = (float)random.NextDouble(), b = (float)random.NextDouble() * 10;
            return new ScoredRegressionRow { Label = [a, b], Score = [a + (float)random.NextDouble() * 0.2f, b * 0.9f] };
        }).ToList();
        MultiOutputRegressionMetrics metrics = ml.Regression.EvaluateMultiOutput(ml.Data.LoadFromEnumerable(rows));
        for (int j = 0; j < 2; j++)
        {
            RegressionMetrics expected = ml.Regression.Evaluate(ml.Data.LoadFromEnumerable(rows.Select(r => new ScalarRow { Label = r.Label[j], Score = r.Score[j] })));
            Assert.Equal(expected.RSquared, metrics.PerOutput[j].RSquared);
            Assert.Equal(expected.RootMeanSquaredError, metrics.PerOutput[j].RootMeanSquaredError);
            Assert.Equal(expected.MeanAbsoluteError, metrics.PerOutput[j].MeanAbsoluteError);
        }
        Assert.Equal((metrics.PerOutput[0].RootMeanSquaredError + metrics.PerOutput[1].RootMeanSquaredError) / 2, metrics.AverageRootMeanSquaredError, 12);
        Assert.Equal((metrics.PerOutput[0].MeanAbsoluteError + metrics.PerOutput[1].MeanAbsoluteError) / 2, metrics.AverageMeanAbsoluteError, 12);
    }

    [Fact]
    public void Multi_label_metrics_match_a_hand_count_and_MLNETs_AUC()
    {
        var ml = new MLContext(seed: 1);
        // Label 0: truths T T F F, probabilities .9 .4 .6 .1 → predictions T F T F: accuracy 0.5, TP 1 FP 1 FN 1, F1 0.5, AUC 0.75.
        // Label 1: truths T F F F, probabilities .7 .7 .2 .3 → predictions T T F F: accuracy 0.75, TP 1 FP 1 FN 0, F1 2/3, AUC 5/6.
        var rows = new List<ScoredMultiLabelRow>
        {
            new() { Label = [true, true], Probability = [0.9f, 0.7f], PredictedLabel = [true, true] },
            new() { Label = [true, false], Probability = [0.4f, 0.7f], PredictedLabel = [false, true] },
            new() { Label = [false, false], Probability = [0.6f, 0.2f], PredictedLabel = [true, false] },
            new() { Label = [false, false], Probability = [0.1f, 0.3f], PredictedLabel = [false, false] },
        };
        MultiLabelClassificationMetrics metrics = ml.BinaryClassification.EvaluateMultiLabel(ml.Data.LoadFromEnumerable(rows));
        Assert.Equal(0.5, metrics.PerLabel[0].Accuracy);
        Assert.Equal(0.75, metrics.PerLabel[1].Accuracy);
        Assert.Equal(0.5, metrics.PerLabel[0].F1Score, 12);
        Assert.Equal(2.0 / 3, metrics.PerLabel[1].F1Score, 12);
        Assert.Equal(0.75, metrics.PerLabel[0].AreaUnderRocCurve, 12);
        Assert.Equal(5.0 / 6, metrics.PerLabel[1].AreaUnderRocCurve, 12);
        Assert.Equal(3.0 / 8, metrics.HammingLoss, 12);
        Assert.Equal(2.0 / 4, metrics.SubsetAccuracy, 12); // the first and the last rows are all right
        Assert.Equal(2.0 * 2 / (2 * 2 + 2 + 1), metrics.MicroF1Score, 12);
        Assert.Equal((0.5 + 2.0 / 3) / 2, metrics.MacroF1Score, 12);
        Assert.Equal([2, 1], metrics.PerLabel.Select(m => m.PositiveCount));

        for (int j = 0; j < 2; j++)
        {
            var binary = ml.Data.LoadFromEnumerable(rows.Select(r => new BinaryScoreRow { Label = r.Label[j], Score = r.Probability[j], PredictedLabel = r.PredictedLabel[j] }));
            Assert.Equal(ml.BinaryClassification.EvaluateNonCalibrated(binary).AreaUnderRocCurve, metrics.PerLabel[j].AreaUnderRocCurve, 12);
        }
    }

    [Fact]
    public void A_NaN_probability_is_left_out_of_the_AUC_as_MLNET_leaves_out_a_NaN_score()
    {
        var ml = new MLContext(seed: 1);
        var random = new Random(5);
        var rows = Enumerable.Range(0, 40).Select(i => new ScoredMultiLabelRow
        {
            Label = [i % 3 == 0, i % 2 == 0],
            Probability = [i == 7 || i == 12 ? float.NaN : random.NextSingle(), random.NextSingle()],
            PredictedLabel = [false, false],
        }).ToList();

        MultiLabelClassificationMetrics metrics = ml.BinaryClassification.EvaluateMultiLabel(ml.Data.LoadFromEnumerable(rows));

        var binary = ml.Data.LoadFromEnumerable(rows.Select(r => new BinaryScoreRow { Label = r.Label[0], Score = r.Probability[0], PredictedLabel = false }));
        Assert.Equal(ml.BinaryClassification.EvaluateNonCalibrated(binary).AreaUnderRocCurve, metrics.PerLabel[0].AreaUnderRocCurve, 12);
    }

    [Fact]
    public void A_label_with_one_class_has_an_undefined_AUC_and_an_F1_of_0_without_positives()
    {
        var ml = new MLContext(seed: 1);
        var rows = new List<ScoredMultiLabelRow>
        {
            new() { Label = [false, true], Probability = [0.2f, 0.7f], PredictedLabel = [false, true] },
            new() { Label = [false, false], Probability = [0.3f, 0.2f], PredictedLabel = [false, false] },
        };
        MultiLabelClassificationMetrics metrics = ml.BinaryClassification.EvaluateMultiLabel(ml.Data.LoadFromEnumerable(rows));
        Assert.True(double.IsNaN(metrics.PerLabel[0].AreaUnderRocCurve));
        Assert.Equal(0, metrics.PerLabel[0].F1Score);
        Assert.Equal(1, metrics.PerLabel[0].Accuracy);
        Assert.Equal(1, metrics.SubsetAccuracy);
    }
}
