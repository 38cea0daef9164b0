using Microsoft.ML;
using Microsoft.ML.Data;
using MlNet.Mlp.ModelLoader;
using MlNet.Mlp.Tests.Infrastructure;
using Xunit;

namespace MlNet.Mlp.Tests.MultiOutput;

public class MultiOutputTrainerTests
{
    private static MlpMultiOutputRegressionTrainer.Options RegressionOptions(int epochs = 150) => new()
    {
        HiddenLayerSizes = [32], NumberOfIterations = epochs, LearningRate = 0.01f, L2Regularization = 1e-5f, EarlyStopping = false, Seed = 1,
    };

    [Fact]
    public void Targets_of_known_structure_are_recovered_with_R_squared_of_at_least_0_99_per_output_on_held_out_rows()
    {
        var ml = new MLContext(seed: 1);
        IDataView train = MultiOutputData.Load(ml, MultiOutputData.KnownStructure(2000, seed: 1));
        IDataView test = MultiOutputData.Load(ml, MultiOutputData.KnownStructure(500, seed: 2));

        var model = ml.Regression.Trainers.MlpMultiOutput(RegressionOptions()).Fit(train);
        MultiOutputRegressionMetrics metrics = ml.Regression.EvaluateMultiOutput(model.Transform(test));

        Assert.Equal(3, metrics.PerOutput.Count);
        Assert.All(metrics.PerOutput, m => Assert.True(m.RSquared >= 0.99, $"R² {m.RSquared:F4} of outputs {string.Join(", ", metrics.PerOutput.Select(o => o.RSquared.ToString("F4")))}"));
        Assert.Equal(metrics.PerOutput.Average(m => m.RSquared), metrics.AverageRSquared, 12);
        // The third target lives around 100: it was standardised for training and mapped back.
        Assert.InRange(model.Model.LabelMeans[2], 95, 105);
        Assert.InRange(model.Model.LabelScales[2], 3, 10);
        Assert.Equal([3, 32, 3], model.Model.LayerSizes);
    }

    [Fact]
    public void Multi_label_outputs_are_logits_their_sigmoids_and_the_sigmoids_above_one_half()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = MultiOutputData.Load(ml, MultiOutputData.MultiLabel(600, seed: 3));
        var model = ml.BinaryClassification.Trainers.MlpMultiLabel(new MlpMultiLabelTrainer.Options
        {
            HiddenLayerSizes = [32], NumberOfIterations = 100, LearningRate = 0.01f, EarlyStopping = false, Seed = 1,
        }).Fit(data);
        IDataView scored = model.Transform(data);
        float[][] scores = scored.GetColumn<float[]>("Score").ToArray();
        float[][] probabilities = scored.GetColumn<float[]>("Probability").ToArray();
        bool[][] predicted = scored.GetColumn<bool[]>("PredictedLabel").ToArray();
        for (int row = 0; row < scores.Length; row++)
        {
            for (int j = 0; j < 3; j++)
            {
                Assert.Equal((float)(1 / (1 + Math.Exp(-scores[row][j]))), probabilities[row][j], 1e-6f);
                Assert.Equal(probabilities[row][j] > 0.5f, predicted[row][j]);
            }
        }
        MultiLabelClassificationMetrics metrics = ml.BinaryClassification.EvaluateMultiLabel(scored);
        Assert.All(metrics.PerLabel, m => Assert.True(m.Accuracy > 0.9, $"accuracy {m.Accuracy}"));
        Assert.True(metrics.SubsetAccuracy > 0.8, $"subset accuracy {metrics.SubsetAccuracy}");
    }

    [Fact]
    public void Both_models_go_into_a_pipeline_and_a_prediction_engine_with_the_scores_of_Transform()
    {
        var ml = new MLContext(seed: 1);
        var rows = MultiOutputData.MultiLabel(200, seed: 4);
        IDataView data = MultiOutputData.Load(ml, rows);
        var model = ml.Transforms.NormalizeMinMax("Features")
            .Append(ml.BinaryClassification.Trainers.MlpMultiLabel(hiddenLayerSizes: [8], numberOfIterations: 10))
            .Fit(data);
        float[][] expected = model.Transform(data).GetColumn<float[]>("Probability").ToArray();
        var engine = ml.Model.CreatePredictionEngine<MultiOutputData.MultiLabelRow, MultiLabelPrediction>(model);
        for (int row = 0; row < rows.Count; row++)
        {
            MultiLabelPrediction prediction = engine.Predict(rows[row]);
            Assert.Equal(expected[row], prediction.Probability);
            Assert.Equal(expected[row].Select(p => p > 0.5f), prediction.PredictedLabel);
        }

        var regressionRows = MultiOutputData.KnownStructure(200, seed: 5);
        var regression = ml.Transforms.NormalizeMeanVariance("Features")
            .Append(ml.Regression.Trainers.MlpMultiOutput(hiddenLayerSizes: [8], numberOfIterations: 10))
            .Fit(MultiOutputData.Load(ml, regressionRows));
        float[][] expectedScores = regression.Transform(MultiOutputData.Load(ml, regressionRows)).GetColumn<float[]>("Score").ToArray();
        var regressionEngine = ml.Model.CreatePredictionEngine<MultiOutputData.RegressionRow, MultiOutputPrediction>(regression);
        Assert.Equal(expectedScores[7], regressionEngine.Predict(regressionRows[7]).Score);
    }

    [Fact]
    public void Saved_models_of_both_tasks_load_in_a_separate_process_and_reproduce_every_output_bit_for_bit()
    {
        var ml = new MLContext(seed: 1);
        var tasks = new (string Name, IDataView Data, IEstimator<ITransformer> Pipeline)[]
        {
            ("multi-output", MultiOutputData.Load(ml, MultiOutputData.KnownStructure(300, seed: 6)), ml.Transforms.NormalizeMeanVariance("Features")
                .Append(ml.Regression.Trainers.MlpMultiOutput(hiddenLayerSizes: [8, 4], numberOfIterations: 5))),
            ("multi-label", MultiOutputData.Load(ml, MultiOutputData.MultiLabel(300, seed: 7)),
                ml.BinaryClassification.Trainers.MlpMultiLabel(hiddenLayerSizes: [8], numberOfIterations: 5)),
        };
        foreach (var (_, data, pipeline) in tasks)
        {
            var (expected, actual) = ModelLoaderProcess.SaveAndScore(ml, pipeline.Fit(data), data);
            Assert.Contains("Score=", expected[0]);
            Assert.Equal(expected, actual);
        }
    }

    [Fact]
    public void Fit_with_a_model_continues_training_from_its_weights_and_label_scaling()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = MultiOutputData.Load(ml, MultiOutputData.KnownStructure(500, seed: 8));
        var trainer = ml.Regression.Trainers.MlpMultiOutput(RegressionOptions(epochs: 20));
        var first = trainer.Fit(data);
        var continued = trainer.Fit(data, first.Model);

        Assert.True(continued.Model.TrainingReport.Epochs[0].TrainingLoss < first.Model.TrainingReport.Epochs[0].TrainingLoss / 2,
            "Continued training should start near where the first Fit ended.");
        Assert.Equal(first.Model.LabelMeans, continued.Model.LabelMeans);
        Assert.Equal(first.Model.LabelScales, continued.Model.LabelScales);

        var labelTrainer = ml.BinaryClassification.Trainers.MlpMultiLabel(new MlpMultiLabelTrainer.Options
        {
            HiddenLayerSizes = [8], NumberOfIterations = 10, EarlyStopping = false, Seed = 1,
        });
        IDataView labels = MultiOutputData.Load(ml, MultiOutputData.MultiLabel(300, seed: 9));
        var labelFirst = labelTrainer.Fit(labels);
        var labelContinued = labelTrainer.Fit(labels, labelFirst.Model);
        Assert.True(labelContinued.Model.TrainingReport.Epochs[0].TrainingLoss < labelFirst.Model.TrainingReport.Epochs[0].TrainingLoss);
    }

    [Fact]
    public void Fit_with_a_validation_set_stops_early_on_it()
    {
        var ml = new MLContext(seed: 1);
        IDataView train = MultiOutputData.Load(ml, MultiOutputData.MultiLabel(300, seed: 10));
        IDataView validation = MultiOutputData.Load(ml, MultiOutputData.MultiLabel(77, seed: 11));
        var model = ml.BinaryClassification.Trainers.MlpMultiLabel(new MlpMultiLabelTrainer.Options
        {
            HiddenLayerSizes = [8], NumberOfIterations = 30, Seed = 1,
        }).Fit(train, validation);
        Assert.Equal(77, model.Model.TrainingReport.ValidationExampleCount);
        Assert.All(model.Model.TrainingReport.Epochs, e => Assert.NotNull(e.ValidationLoss));

        IDataView regressionTrain = MultiOutputData.Load(ml, MultiOutputData.KnownStructure(300, seed: 12));
        IDataView regressionValidation = MultiOutputData.Load(ml, MultiOutputData.KnownStructure(50, seed: 13));
        var regression = ml.Regression.Trainers.MlpMultiOutput(hiddenLayerSizes: [8], numberOfIterations: 5).Fit(regressionTrain, regressionValidation);
        Assert.Equal(50, regression.Model.TrainingReport.ValidationExampleCount);
    }

    [Fact]
    public void Cross_validation_gives_per_fold_models_scores_and_metrics()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = MultiOutputData.Load(ml, MultiOutputData.KnownStructure(300, seed: 14));
        var folds = ml.Regression.CrossValidateMultiOutput(data, ml.Regression.Trainers.MlpMultiOutput(hiddenLayerSizes: [8], numberOfIterations: 20),
            numberOfFolds: 3, seed: 1);
        Assert.Equal([0, 1, 2], folds.Select(f => f.Fold));
        Assert.All(folds, f => Assert.Equal(3, f.Metrics.PerOutput.Count));
        Assert.Equal(300, folds.Sum(f => f.ScoredHoldOutSet.GetColumn<float[]>("Score").Count()));

        IDataView labels = MultiOutputData.Load(ml, MultiOutputData.MultiLabel(300, seed: 15));
        var labelFolds = ml.BinaryClassification.CrossValidateMultiLabel(labels,
            ml.BinaryClassification.Trainers.MlpMultiLabel(hiddenLayerSizes: [8], numberOfIterations: 20), numberOfFolds: 4, seed: 1);
        Assert.Equal(4, labelFolds.Count);
        Assert.All(labelFolds, f => Assert.InRange(f.Metrics.HammingLoss, 0, 0.5));
        Assert.All(labelFolds, f => Assert.IsType<MultiOutputPredictionTransformer<MlpMultiLabelModelParameters>>(f.Model));
    }

    private sealed class MultiLabelPrediction
    {
        public float[] Probability { get; set; } = [];
        public bool[] PredictedLabel { get; set; } = [];
    }

    private sealed class MultiOutputPrediction
    {
        public float[] Score { get; set; } = [];
    }
}
