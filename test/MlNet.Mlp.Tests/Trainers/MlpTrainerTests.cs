using Microsoft.ML;
using Microsoft.ML.Data;
using MlNet.Mlp.Engine;
using MlNet.Mlp.ModelLoader;
using MlNet.Mlp.Tests.Infrastructure;
using Xunit;

namespace MlNet.Mlp.Tests.Trainers;

public class MlpTrainerTests
{
    [Fact]
    public void Digits_five_fold_micro_accuracy_with_defaults_is_at_least_0_97()
    {
        var ml = new MLContext(seed: 1);
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label", "Digit")
            .Append(ml.Transforms.NormalizeMeanVariance("Features"))
            .Append(ml.MulticlassClassification.Trainers.Mlp());
        var folds = ml.MulticlassClassification.CrossValidate(TestData.Digits(ml), pipeline, numberOfFolds: 5);
        double accuracy = folds.Average(f => f.Metrics.MicroAccuracy);
        Assert.True(accuracy >= 0.97, $"5-fold micro-accuracy {accuracy:F4}");
    }

    [Fact]
    public void Breast_cancer_five_fold_accuracy_with_defaults_is_at_least_0_97()
    {
        var ml = new MLContext(seed: 1);
        var pipeline = ml.Transforms.NormalizeMeanVariance("Features").Append(ml.BinaryClassification.Trainers.Mlp());
        var folds = ml.BinaryClassification.CrossValidate(TestData.BreastCancer(ml), pipeline, numberOfFolds: 5);
        double accuracy = folds.Average(f => f.Metrics.Accuracy);
        Assert.True(accuracy >= 0.97, $"5-fold accuracy {accuracy:F4}");
        Assert.All(folds, f => Assert.True(f.Metrics.LogLoss < 0.3, $"log-loss {f.Metrics.LogLoss}"));
    }

    [Fact]
    public void Diabetes_five_fold_r_squared_with_defaults_is_at_least_0_45()
    {
        var ml = new MLContext(seed: 1);
        var pipeline = ml.Transforms.NormalizeMeanVariance("Features").Append(ml.Regression.Trainers.Mlp());
        var folds = ml.Regression.CrossValidate(TestData.Diabetes(ml), pipeline, numberOfFolds: 5);
        double rSquared = folds.Average(f => f.Metrics.RSquared);
        Assert.True(rSquared >= 0.45, $"5-fold R² {rSquared:F4}");
    }

    [Fact]
    public void Xor_is_solved_exactly_by_a_binary_MLP_with_one_small_tanh_hidden_layer()
    {
        var ml = new MLContext(seed: 1);
        IDataView xor = TestData.Xor(ml);
        var model = ml.BinaryClassification.Trainers.Mlp(new MlpBinaryTrainer.Options
        {
            HiddenLayerSizes = [8], Activation = MlpActivation.Tanh,
        }).Fit(xor);
        var metrics = ml.BinaryClassification.Evaluate(model.Transform(xor));
        Assert.Equal(1.0, metrics.Accuracy);
        Assert.Equal(200, model.Model.TrainingReport.EpochCount);
        Assert.Equal(new[] { 2, 8, 1 }, model.Model.LayerSizes);
        Assert.Equal(MlpActivation.Tanh, model.Model.Activation);
    }

    private sealed class IrisText
    {
        [LoadColumn(0)] public float SepalLength { get; set; }
        [LoadColumn(1)] public float SepalWidth { get; set; }
        [LoadColumn(2)] public float PetalLength { get; set; }
        [LoadColumn(3)] public float PetalWidth { get; set; }
        [LoadColumn(4)] public string Species { get; set; } = "";
    }

    private static IDataView Iris(MLContext ml) =>
        ml.Data.LoadFromTextFile<IrisText>(TestData.PathOf("iris.csv"), separatorChar: ',', hasHeader: true);

    [Fact]
    public void Multiclass_pipeline_with_transforms_before_and_MapKeyToValue_after_predicts_original_labels()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = Iris(ml);
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label", "Species")
            .Append(ml.Transforms.Concatenate("Features", "SepalLength", "SepalWidth", "PetalLength", "PetalWidth"))
            .Append(ml.Transforms.NormalizeMinMax("Features"))
            .Append(ml.MulticlassClassification.Trainers.Mlp(hiddenLayerSizes: [16]))
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedSpecies", "PredictedLabel"));
        var model = pipeline.Fit(data);
        IDataView scored = model.Transform(data);
        var metrics = ml.MulticlassClassification.Evaluate(scored);
        Assert.True(metrics.MicroAccuracy > 0.9, $"accuracy {metrics.MicroAccuracy}");
        string[] species = scored.GetColumn<string>("Species").ToArray();
        string[] predicted = scored.GetColumn<string>("PredictedSpecies").ToArray();
        Assert.True(species.Zip(predicted).Count(p => p.First == p.Second) > 135);
        float[][] scores = scored.GetColumn<float[]>("Score").ToArray();
        Assert.All(scores, s => Assert.Equal(1.0, s.Sum(), 4));
    }

    [Fact]
    public void Saved_models_of_all_three_tasks_load_in_a_separate_process_and_reproduce_every_score_bit_for_bit()
    {
        var ml = new MLContext(seed: 1);
        var tasks = new (string Name, IDataView Data, IEstimator<ITransformer> Pipeline)[]
        {
            ("binary", TestData.BreastCancer(ml), ml.Transforms.NormalizeMeanVariance("Features")
                .Append(ml.BinaryClassification.Trainers.Mlp(hiddenLayerSizes: [8], numberOfIterations: 5))),
            ("multiclass", TestData.Digits(ml), ml.Transforms.Conversion.MapValueToKey("Label", "Digit")
                .Append(ml.Transforms.NormalizeMeanVariance("Features"))
                .Append(ml.MulticlassClassification.Trainers.Mlp(hiddenLayerSizes: [16], numberOfIterations: 3))),
            ("regression", TestData.Diabetes(ml), ml.Transforms.NormalizeMeanVariance("Features")
                .Append(ml.Regression.Trainers.Mlp(hiddenLayerSizes: [8, 4], numberOfIterations: 5))),
            // An ensemble behind a robust input stage: the format's member and stage sections.
            ("robust ensemble", TestData.BreastCancer(ml), ml.BinaryClassification.Trainers.Mlp(new MlpBinaryTrainer.Options
            {
                HiddenLayerSizes = [6], NumberOfIterations = 5, FeatureScaling = MlpFeatureScaling.Robust, EnsembleSize = 3,
            })),
        };
        foreach (var (_, data, pipeline) in tasks)
        {
            var (expected, actual) = ModelLoaderProcess.SaveAndScore(ml, pipeline.Fit(data), data);
            Assert.Equal(expected, actual);
        }
    }

    [Fact]
    public void Binary_output_has_calibrated_probability_and_the_model_exposes_its_parameters_and_report()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = ml.Transforms.NormalizeMeanVariance("Features").Fit(TestData.BreastCancer(ml)).Transform(TestData.BreastCancer(ml));
        var model = ml.BinaryClassification.Trainers.Mlp(hiddenLayerSizes: [10, 5]).Fit(data);
        IDataView scored = model.Transform(data);
        float[] score = scored.GetColumn<float>("Score").ToArray();
        float[] probability = scored.GetColumn<float>("Probability").ToArray();
        bool[] predicted = scored.GetColumn<bool>("PredictedLabel").ToArray();
        for (int i = 0; i < score.Length; i++)
        {
            Assert.Equal(1 / (1 + Math.Exp(-score[i])), probability[i], 1e-6);
            Assert.Equal(score[i] > 0, predicted[i]);
        }
        MlpBinaryModelParameters parameters = model.Model;
        Assert.Equal(new[] { 30, 10, 5, 1 }, parameters.LayerSizes);
        Assert.Equal(3, parameters.Weights.Count);
        Assert.Equal(30 * 10, parameters.Weights[0].Count);
        Assert.Equal(5, parameters.Biases[1].Count);
        TrainingReport report = parameters.TrainingReport;
        Assert.True(report.EpochCount >= 1);
        Assert.True(report.ValidationExampleCount > 100);
        Assert.All(report.Epochs, e => Assert.NotNull(e.ValidationLoss));
        Assert.InRange(report.BestEpoch, 1, report.EpochCount);
    }

    [Fact]
    public void Fit_with_a_validation_set_uses_it_for_early_stopping()
    {
        var ml = new MLContext(seed: 1);
        IDataView all = ml.Transforms.NormalizeMeanVariance("Features").Fit(TestData.BreastCancer(ml)).Transform(TestData.BreastCancer(ml));
        var split = ml.Data.TrainTestSplit(all, testFraction: 0.25, seed: 3);
        var trainer = ml.BinaryClassification.Trainers.Mlp(hiddenLayerSizes: [8]);
        var model = trainer.Fit(split.TrainSet, split.TestSet);
        int validationRows = split.TestSet.GetColumn<bool>("Label").Count();
        Assert.Equal(validationRows, model.Model.TrainingReport.ValidationExampleCount);
        Assert.All(model.Model.TrainingReport.Epochs, e => Assert.NotNull(e.ValidationLoss));
    }

    [Fact]
    public void Regression_validation_targets_are_standardised_with_the_training_set_statistics()
    {
        var ml = new MLContext(seed: 1);
        IDataView raw = TestData.Diabetes(ml);
        // The same rows with every label moved by about ten standard deviations: a model of the training labels is far off.
        IDataView rawShifted = ml.Data.LoadFromEnumerable(ml.Data.CreateEnumerable<TestData.DiabetesRow>(raw, reuseRowObject: false)
            .Select(r => new TestData.DiabetesRow { Features = r.Features, Label = r.Label + 770 }).ToList());
        var normalizer = ml.Transforms.NormalizeMeanVariance("Features").Fit(raw);
        var model = ml.Regression.Trainers.Mlp(new MlpRegressionTrainer.Options { HiddenLayerSizes = [8], NumberOfIterations = 5, Seed = 1 })
            .Fit(normalizer.Transform(raw), normalizer.Transform(rawShifted));
        EpochSummary last = model.Model.TrainingReport.Epochs[^1];
        Assert.True(last.ValidationLoss > 20 * last.TrainingLoss, $"validation {last.ValidationLoss}, training {last.TrainingLoss}");
    }

    [Theory]
    [InlineData(1e-6f)]
    [InlineData(5f)]
    [InlineData(-3e4f)]
    public void A_constant_regression_label_is_predicted_as_that_constant(float label)
    {
        var ml = new MLContext(seed: 1);
        IDataView raw = TestData.Diabetes(ml);
        IDataView constant = ml.Data.LoadFromEnumerable(ml.Data.CreateEnumerable<TestData.DiabetesRow>(raw, reuseRowObject: false)
            .Select(r => new TestData.DiabetesRow { Features = r.Features, Label = label }).ToList());
        var model = ml.Regression.Trainers.Mlp(new MlpRegressionTrainer.Options { HiddenLayerSizes = [8], NumberOfIterations = 5, Seed = 1 })
            .Fit(constant);
        // The scale is 2⁻²⁰ of the label's size, so outputs below 16 in standardised units land within 2⁻¹⁶ of it.
        float[] scores = model.Transform(constant).GetColumn<float>("Score").ToArray();
        Assert.All(scores, score => Assert.InRange(Math.Abs(score - label), 0, Math.Abs(label) / 65536));
    }

    [Fact]
    public void Labels_near_1e_minus_13_train_as_the_same_labels_at_their_usual_scale()
    {
        var ml = new MLContext(seed: 1);
        IDataView raw = ml.Transforms.NormalizeMeanVariance("Features").Fit(TestData.Diabetes(ml)).Transform(TestData.Diabetes(ml));
        IDataView tiny = ml.Data.LoadFromEnumerable(ml.Data.CreateEnumerable<TestData.DiabetesRow>(raw, reuseRowObject: false)
            .Select(r => new TestData.DiabetesRow { Features = r.Features, Label = r.Label * 1e-15f }).ToList());
        var options = new MlpRegressionTrainer.Options { HiddenLayerSizes = [8], NumberOfIterations = 20, Seed = 1 };
        double usual = ml.Regression.Evaluate(ml.Regression.Trainers.Mlp(options).Fit(raw).Transform(raw)).RSquared;
        double small = ml.Regression.Evaluate(ml.Regression.Trainers.Mlp(options).Fit(tiny).Transform(tiny)).RSquared;
        // Standardised, both sets give the same targets up to float round-off.
        Assert.Equal(usual, small, 0.01);
    }

    [Fact]
    public void Continued_training_starts_from_the_given_model()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = ml.Transforms.NormalizeMeanVariance("Features").Fit(TestData.Diabetes(ml)).Transform(TestData.Diabetes(ml));
        var options = new MlpRegressionTrainer.Options { HiddenLayerSizes = [8], NumberOfIterations = 3, EarlyStopping = false, Seed = 4 };
        var trainer = ml.Regression.Trainers.Mlp(options);
        var first = trainer.Fit(data).Model;
        var continued = trainer.Fit(data, first).Model;
        double firstLoss = first.TrainingReport.Epochs[^1].TrainingLoss;
        Assert.True(continued.TrainingReport.Epochs[0].TrainingLoss < first.TrainingReport.Epochs[0].TrainingLoss,
            "continued training should start where the first run ended, far below a fresh start");
        Assert.Equal(first.LabelMean, continued.LabelMean);
        Assert.True(continued.TrainingReport.Epochs[^1].TrainingLoss <= firstLoss * 1.05);
    }

    [Fact]
    public void Example_weight_of_two_equals_a_duplicated_row()
    {
        var ml = new MLContext(seed: 1);
        var rows = new[] { (1f, 2f, true), (-1f, 0.5f, false), (0.3f, -2f, true), (-0.5f, -0.5f, false), (0.2f, 0.1f, true) };
        var weighted = ml.Data.LoadFromEnumerable(rows.Select((r, i) => new TestData.BinaryRow
        {
            Features = [r.Item1, r.Item2], Label = r.Item3, Weight = i == 0 ? 2f : 1f,
        }).ToList());
        var duplicated = ml.Data.LoadFromEnumerable(rows.Prepend(rows[0]).Select(r => new TestData.BinaryRow
        {
            Features = [r.Item1, r.Item2], Label = r.Item3,
        }).ToList());
        MlpBinaryTrainer.Options Options(string? weight) => new()
        {
            HiddenLayerSizes = [3], BatchSize = 100, Shuffle = false, EarlyStopping = false, NumberOfIterations = 20, Seed = 7,
            ExampleWeightColumnName = weight,
        };
        var fromWeights = ml.BinaryClassification.Trainers.Mlp(Options("Weight")).Fit(weighted).Model;
        var fromDuplicate = ml.BinaryClassification.Trainers.Mlp(Options(null)).Fit(duplicated).Model;
        var unweighted = ml.BinaryClassification.Trainers.Mlp(Options(null)).Fit(weighted).Model;
        for (int layer = 0; layer < 2; layer++)
        {
            float[] a = fromWeights.Weights[layer].ToArray(), b = fromDuplicate.Weights[layer].ToArray(), c = unweighted.Weights[layer].ToArray();
            for (int i = 0; i < a.Length; i++)
                Assert.Equal(b[i], a[i], 5);
            Assert.True(a.Zip(c).Max(p => Math.Abs(p.First - p.Second)) > 1e-4, "the weight column must change the result");
        }
    }

    [Fact]
    public void Training_progress_goes_to_the_MLContext_log_one_line_per_epoch()
    {
        var ml = new MLContext(seed: 1);
        var lines = new List<string>();
        ml.Log += (_, e) => { if (e.Message.Contains(": training loss")) lock (lines) lines.Add(e.Message); };
        IDataView data = ml.Transforms.NormalizeMeanVariance("Features").Fit(TestData.BreastCancer(ml)).Transform(TestData.BreastCancer(ml));
        var model = ml.BinaryClassification.Trainers.Mlp(hiddenLayerSizes: [4], numberOfIterations: 6).Fit(data);
        // The default ensemble's members train one after another, each epoch a line naming its member.
        IReadOnlyList<MlNet.Mlp.Engine.TrainingReport> reports = model.Model.MemberTrainingReports;
        Assert.Equal(reports.Sum(r => r.EpochCount), lines.Count);
        Assert.All(lines, l => Assert.Matches(@"Member \d of 3, epoch \d+: training loss [\d.Ee+-]+, validation loss [\d.Ee+-]+.* s\.", l));
        for (int k = 0; k < reports.Count; k++)
            Assert.Equal(reports[k].EpochCount, lines.Count(l => l.Contains($"Member {k + 1} of 3,")));

        lines.Clear();
        ml.BinaryClassification.Trainers.Mlp(new MlpBinaryTrainer.Options { HiddenLayerSizes = [4], NumberOfIterations = 2, EnsembleSize = 1 }).Fit(data);
        Assert.Equal(2, lines.Count);
        Assert.All(lines, l => Assert.Matches(@"\] Epoch \d+: training loss", l));
    }

    [Fact]
    public void CancelExecution_stops_training_with_OperationCanceledException_and_the_context_stays_usable()
    {
        var ml = new MLContext(seed: 1);
        IDataView digits = TestData.Digits(ml);
        IDataView data = ml.Transforms.Conversion.MapValueToKey("Label", "Digit").Append(ml.Transforms.NormalizeMeanVariance("Features"))
            .Fit(digits).Transform(digits);
        int lastEpochSeen = 0;
        bool cancelling = true;
        var trainer = ml.MulticlassClassification.Trainers.Mlp(new MlpMulticlassTrainer.Options
        {
            // Far more epochs than the cancellation lets run, few enough that the same trainer's last Fit stays quick.
            NumberOfIterations = 50, EarlyStopping = false,
            EpochCompleted = e =>
            {
                lastEpochSeen = Math.Max(lastEpochSeen, e.Epoch);
                if (cancelling && e.Epoch == 2)
                    ml.CancelExecution();
            },
        });
        Assert.ThrowsAny<OperationCanceledException>(() => trainer.Fit(data));
        // Members training side by side may finish their own second epoch too, but none a third.
        Assert.Equal(2, lastEpochSeen);

        // The same context, and even the same trainer, train again afterwards.
        var quick = ml.MulticlassClassification.Trainers.Mlp(hiddenLayerSizes: [8], numberOfIterations: 2).Fit(data);
        Assert.Equal(2, quick.Model.TrainingReport.EpochCount);
        cancelling = false;
        Assert.NotNull(trainer.Fit(ml.Data.TakeRows(data, 50)));
    }
}
