using Microsoft.ML;
using Microsoft.ML.Data;
using MlNet.Mlp.ModelLoader;
using MlNet.Mlp.Tests.Infrastructure;
using Xunit;

namespace MlNet.Mlp.Tests.Trainers;

public class PerceptronTrainerTests
{
    private static IEstimator<ITransformer> NormalizedPerceptron(MLContext ml, PerceptronTrainer.Options? options = null) =>
        ml.Transforms.NormalizeMeanVariance("Features")
            .Append(options is null ? ml.BinaryClassification.Trainers.Perceptron() : ml.BinaryClassification.Trainers.Perceptron(options));

    [Fact]
    public void Pipeline_with_ML_NET_transforms_fits_transforms_and_evaluates()
    {
        var ml = new MLContext(seed: 1);
        var raw = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 200).Select(i => new { A = (float)(i % 20), B = (float)(i / 20), Label = i % 20 + i / 20 > 14 }));
        var pipeline = ml.Transforms.Concatenate("Features", "A", "B")
            .Append(ml.Transforms.NormalizeMeanVariance("Features"))
            .Append(ml.BinaryClassification.Trainers.Perceptron());
        var model = pipeline.Fit(raw);
        IDataView scored = model.Transform(raw);
        BinaryClassificationMetrics metrics = ml.BinaryClassification.EvaluateNonCalibrated(scored);
        Assert.True(metrics.Accuracy >= 0.95, $"accuracy {metrics.Accuracy}");
        Assert.Contains(scored.Schema, c => c.Name == "Score");
        Assert.Contains(scored.Schema, c => c.Name == "PredictedLabel");
        Assert.DoesNotContain(scored.Schema, c => c.Name == "Probability");
    }

    [Fact]
    public void Breast_cancer_five_fold_cross_validation_reaches_at_least_0_955()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = TestData.BreastCancer(ml);
        var results = ml.BinaryClassification.CrossValidateNonCalibrated(data, NormalizedPerceptron(ml), numberOfFolds: 5);
        double accuracy = results.Average(r => r.Metrics.Accuracy);
        Assert.True(accuracy >= 0.955, $"5-fold accuracy {accuracy:F4}");
    }

    [Fact]
    public void Cross_validate_works_after_appending_the_Platt_calibrator()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = TestData.BreastCancer(ml);
        var pipeline = NormalizedPerceptron(ml).Append(ml.BinaryClassification.Calibrators.Platt());
        var results = ml.BinaryClassification.CrossValidate(data, pipeline, numberOfFolds: 5);
        Assert.Equal(5, results.Count);
        Assert.All(results, r => Assert.InRange(r.Metrics.LogLoss, 0, 0.5));
        Assert.All(results, r => Assert.True(r.Metrics.AreaUnderRocCurve > 0.95));
    }

    [Fact]
    public void Permutation_feature_importance_runs_on_the_trained_model()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = TestData.BreastCancer(ml);
        var normalizer = ml.Transforms.NormalizeMeanVariance("Features").Fit(data);
        IDataView normalized = normalizer.Transform(data);
        var model = ml.BinaryClassification.Trainers.Perceptron().Fit(normalized);
        var importance = ml.BinaryClassification.PermutationFeatureImportanceNonCalibrated(model, normalized, permutationCount: 1);
        Assert.Equal(30, importance.Count);
        Assert.Contains(importance.Values, m => m.Accuracy.Mean < -0.001);
    }

    [Fact]
    public void Prediction_engine_predicts_single_rows()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = TestData.SeparableBlobs(ml, 50, seed: 3);
        var model = ml.BinaryClassification.Trainers.Perceptron().Fit(data);
        var engine = ml.Model.CreatePredictionEngine<TestData.BinaryRow, Prediction>(model);
        Assert.True(engine.Predict(new TestData.BinaryRow { Features = [2f, 2f] }).PredictedLabel);
        Assert.False(engine.Predict(new TestData.BinaryRow { Features = [-2f, -2f] }).PredictedLabel);
    }

    private sealed class Prediction
    {
        public bool PredictedLabel { get; set; }
        public float Score { get; set; }
    }

    [Fact]
    public void Saved_model_loads_in_a_separate_process_and_reproduces_every_score_bit_for_bit()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = TestData.BreastCancer(ml);
        ITransformer model = NormalizedPerceptron(ml).Fit(data);
        var (expected, actual) = ModelLoaderProcess.SaveAndScore(ml, model, data);
        Assert.Equal(569, expected.Count);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Saved_model_loads_in_process_and_exposes_its_parameters()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = TestData.SeparableBlobs(ml, 30, seed: 5);
        var model = ml.BinaryClassification.Trainers.Perceptron().Fit(data);
        using var stream = new MemoryStream();
        ml.Model.Save(model, data.Schema, stream);
        stream.Position = 0;
        ITransformer loaded = new MLContext(seed: 2).Model.Load(stream, out _);
        var parameters = Assert.IsType<PerceptronModelParameters>(((ISingleFeaturePredictionTransformer<object>)loaded).Model);
        Assert.Equal(model.Model.Weights, parameters.Weights);
        Assert.Equal(model.Model.Bias, parameters.Bias);
        Assert.Equal(model.Model.TrainingReport.LossPerIteration, parameters.TrainingReport.LossPerIteration);
        Assert.Equal(model.Model.TrainingReport.Converged, parameters.TrainingReport.Converged);
    }

    [Fact]
    public void Separable_data_is_learned_perfectly_and_the_report_says_converged()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = TestData.SeparableBlobs(ml, 100, seed: 7);
        var model = ml.BinaryClassification.Trainers.Perceptron().Fit(data);
        var metrics = ml.BinaryClassification.EvaluateNonCalibrated(model.Transform(data));
        Assert.Equal(1.0, metrics.Accuracy);
        Assert.True(model.Model.TrainingReport.Converged);
        Assert.Equal(0, model.Model.TrainingReport.LossPerIteration[^1]);
        Assert.True(model.Model.TrainingReport.NumberOfIterations < 100);
    }

    [Fact]
    public void Xor_cannot_be_learned_beyond_three_of_four_and_the_report_says_not_converged()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = TestData.Xor(ml);
        var model = ml.BinaryClassification.Trainers.Perceptron(numberOfIterations: 50).Fit(data);
        var metrics = ml.BinaryClassification.EvaluateNonCalibrated(model.Transform(data));
        Assert.True(metrics.Accuracy <= 0.75, $"accuracy {metrics.Accuracy}");
        Assert.False(model.Model.TrainingReport.Converged);
        Assert.Equal(50, model.Model.TrainingReport.NumberOfIterations);
        Assert.All(model.Model.TrainingReport.LossPerIteration, loss => Assert.True(loss > 0));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(0)]
    public void The_same_seed_gives_the_same_model_bit_for_bit(int batchSize)
    {
        PerceptronModelParameters Train(int contextSeed)
        {
            var ml = new MLContext(seed: contextSeed);
            IDataView data = ml.Transforms.NormalizeMeanVariance("Features").Fit(TestData.BreastCancer(ml)).Transform(TestData.BreastCancer(ml));
            return ml.BinaryClassification.Trainers.Perceptron(new PerceptronTrainer.Options
            {
                Seed = 42, BatchSize = batchSize, InitialWeightsDiameter = 0.5f, NumberOfIterations = 5,
            }).Fit(data).Model;
        }
        PerceptronModelParameters first = Train(1), second = Train(2);
        Assert.Equal(first.Weights.Select(BitConverter.SingleToInt32Bits), second.Weights.Select(BitConverter.SingleToInt32Bits));
        Assert.Equal(BitConverter.SingleToInt32Bits(first.Bias), BitConverter.SingleToInt32Bits(second.Bias));
    }

    [Fact]
    public void Example_weight_of_two_equals_a_duplicated_row_in_batch_mode()
    {
        var ml = new MLContext(seed: 1);
        var rows = new[] { (1f, 2f, true), (-1f, 0.5f, false), (0.3f, -2f, true), (-0.5f, -0.5f, false) };
        var weighted = ml.Data.LoadFromEnumerable(rows.Select((r, i) => new TestData.BinaryRow
        {
            Features = [r.Item1, r.Item2], Label = r.Item3, Weight = i == 0 ? 2f : 1f,
        }).ToList());
        var duplicated = ml.Data.LoadFromEnumerable(rows.Prepend(rows[0]).Select(r => new TestData.BinaryRow
        {
            Features = [r.Item1, r.Item2], Label = r.Item3,
        }).ToList());
        var options = new PerceptronTrainer.Options { BatchSize = 0, Shuffle = false, NumberOfIterations = 3, Seed = 1 };
        options.ExampleWeightColumnName = "Weight";
        var fromWeights = ml.BinaryClassification.Trainers.Perceptron(options).Fit(weighted).Model;
        options.ExampleWeightColumnName = null;
        var fromDuplicate = ml.BinaryClassification.Trainers.Perceptron(options).Fit(duplicated).Model;
        Assert.Equal(fromDuplicate.Weights, fromWeights.Weights);
        Assert.Equal(fromDuplicate.Bias, fromWeights.Bias);
        Assert.Equal(fromDuplicate.TrainingReport.LossPerIteration, fromWeights.TrainingReport.LossPerIteration);
    }

    [Fact]
    public void Continued_training_starts_from_the_given_model()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = ml.Transforms.NormalizeMeanVariance("Features").Fit(TestData.BreastCancer(ml)).Transform(TestData.BreastCancer(ml));
        PerceptronTrainer Trainer(int iterations) => ml.BinaryClassification.Trainers.Perceptron(
            new PerceptronTrainer.Options { NumberOfIterations = iterations, Shuffle = false, KeepBestWeights = false, AverageWeights = false });
        // Without shuffling or averaging (an average starts afresh from the given weights), one pass continued from a
        // one-pass model is exactly a two-pass training.
        var onePass = Trainer(1).Fit(data).Model;
        var continued = Trainer(1).Fit(data, onePass).Model;
        var twoPasses = Trainer(2).Fit(data).Model;
        Assert.Equal(twoPasses.Weights, continued.Weights);
        Assert.Equal(twoPasses.Bias, continued.Bias);
        Assert.NotEqual(onePass.Weights, continued.Weights);
    }

    [Fact]
    public void KeepBestWeights_returns_the_pass_with_the_lowest_training_loss()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = ml.Transforms.NormalizeMeanVariance("Features").Fit(TestData.BreastCancer(ml)).Transform(TestData.BreastCancer(ml));
        var model = ml.BinaryClassification.Trainers.Perceptron(new PerceptronTrainer.Options { NumberOfIterations = 40, Seed = 5, KeepBestWeights = true }).Fit(data);
        PerceptronTrainingReport report = model.Model.TrainingReport;
        Assert.Equal(report.LossPerIteration.Min(), report.LossPerIteration[report.BestIteration - 1]);
        // The reported loss is that of the returned weights: 4 per misclassified row (Y − y = ±2).
        var metrics = ml.BinaryClassification.EvaluateNonCalibrated(model.Transform(data));
        Assert.Equal(report.LossPerIteration[report.BestIteration - 1], 4 * Math.Round((1 - metrics.Accuracy) * 569), 6);

        var last = ml.BinaryClassification.Trainers.Perceptron(new PerceptronTrainer.Options { NumberOfIterations = 40, Seed = 5, KeepBestWeights = false }).Fit(data);
        Assert.Equal(40, last.Model.TrainingReport.BestIteration);
    }

    [Theory]
    [InlineData(true, 0.0)]
    [InlineData(false, 0.0)]
    [InlineData(true, 0.5)]
    [InlineData(true, 3.9)]
    public void Logic_gates_AND_and_OR_converge_with_or_without_averaging(bool averageWeights, double lossThreshold)
    {
        // A threshold below 4 (one mistake) still asks for no mistake; above 0 it takes the path that scores the latest weights.
        // With inputs in {0, 1} the perceptron's solutions touch the points (a score of exactly 0 predicts false),
        // where an average of weights still carrying the early passes lands on the wrong side: the latest weights
        // must win when they alone make no mistake.
        var ml = new MLContext(seed: 1);
        foreach (Func<bool, bool, bool> gate in new Func<bool, bool, bool>[] { (a, b) => a && b, (a, b) => a || b })
        {
            var rows = new[] { (0f, 0f), (0f, 1f), (1f, 0f), (1f, 1f) }
                .Select(p => new GateRow { Features = [p.Item1, p.Item2], Label = gate(p.Item1 > 0, p.Item2 > 0) }).ToList();
            IDataView data = ml.Data.LoadFromEnumerable(rows);
            foreach (int seed in Enumerable.Range(1, 10))
            {
                var model = ml.BinaryClassification.Trainers.Perceptron(new PerceptronTrainer.Options
                {
                    NumberOfIterations = 50, Seed = seed, AverageWeights = averageWeights, LossThreshold = lossThreshold,
                }).Fit(data);
                Assert.True(model.Model.TrainingReport.Converged, $"seed {seed} did not converge");
                Assert.Equal(1.0, ml.BinaryClassification.EvaluateNonCalibrated(model.Transform(data)).Accuracy);
            }
        }
    }

    [Theory]
    [InlineData(1, true)]
    [InlineData(1, false)]
    [InlineData(8, true)]
    public void Sparse_features_are_kept_sparse_and_train_exactly_as_dense_ones(int batchSize, bool averageWeights)
    {
        var ml = new MLContext(seed: 1);
        var log = new List<string>();
        ml.Log += (_, e) => { lock (log) log.Add(e.Message); };
        // 300 features, about 6 stored per row, small integer values: both storages must give the same model
        // exactly, since every product and sum is exact in float.
        var random = new Random(17);
        var rows = Enumerable.Range(0, 400).Select(_ =>
        {
            var x = new float[WideRow.Size];
            for (int k = 0; k < 6; k++)
                x[random.Next(WideRow.Size)] = random.Next(1, 4);
            return new WideRow { Features = x, Label = x.AsSpan(0, 150).IndexOfAnyExcept(0f) >= 0 && random.Next(10) > 0 };
        }).ToList();
        // A first row with one stored value sizes the sparse arrays for one value a row: the reader must grow them.
        rows[0] = new WideRow { Features = [.. Enumerable.Repeat(0f, WideRow.Size - 1), 2f], Label = false };
        IDataView dense = ml.Data.LoadFromEnumerable(rows);
        PerceptronTrainer Trainer() => ml.BinaryClassification.Trainers.Perceptron(new PerceptronTrainer.Options
        {
            NumberOfIterations = 12, BatchSize = batchSize, AverageWeights = averageWeights, Seed = 3,
        });

        var fromDense = Trainer().Fit(dense).Model;
        Assert.DoesNotContain(log, m => m.Contains("kept sparse"));
        var fromSparse = Trainer().Fit(new SparseFeaturesView(dense)).Model;
        Assert.Contains(log, m => m.Contains("feature column 'Features' kept sparse") && m.Contains("in 400 rows of 300 features"));

        Assert.Equal(fromDense.Weights.ToArray(), fromSparse.Weights.ToArray());
        Assert.Equal(fromDense.Bias, fromSparse.Bias);
        IReadOnlyList<double> denseLosses = fromDense.TrainingReport.LossPerIteration, sparseLosses = fromSparse.TrainingReport.LossPerIteration;
        if (!averageWeights)
        {
            Assert.Equal(denseLosses, sparseLosses);
            return;
        }
        // Averaged weights are not integers: the two storages add up a row's score in different orders, and a score
        // within round-off of 0 may land on either side. Training itself runs on the integer weights, so the
        // weights above are equal; a pass's loss may differ by one such row (4).
        Assert.Equal(denseLosses.Count, sparseLosses.Count);
        for (int i = 0; i < denseLosses.Count; i++)
            Assert.InRange(Math.Abs(denseLosses[i] - sparseLosses[i]), 0, 4);
    }

    private sealed class WideRow
    {
        public const int Size = 300;

        public bool Label { get; set; }

        [VectorType(Size)]
        public float[] Features { get; set; } = [];
    }

    private sealed class GateRow
    {
        public bool Label { get; set; }

        [VectorType(2)]
        public float[] Features { get; set; } = [];
    }

    [Fact]
    public void Batch_mode_and_pattern_mode_both_learn_separable_data()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = TestData.SeparableBlobs(ml, 100, seed: 13);
        foreach (int batchSize in new[] { 1, 16, 0 })
        {
            var model = ml.BinaryClassification.Trainers.Perceptron(new PerceptronTrainer.Options { BatchSize = batchSize, NumberOfIterations = 200 }).Fit(data);
            Assert.Equal(1.0, ml.BinaryClassification.EvaluateNonCalibrated(model.Transform(data)).Accuracy);
            Assert.True(model.Model.TrainingReport.Converged, $"batch size {batchSize} did not converge");
        }
    }

    [Fact]
    public void Loss_threshold_stops_training_early()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = TestData.Xor(ml);
        var model = ml.BinaryClassification.Trainers.Perceptron(new PerceptronTrainer.Options { LossThreshold = 100, NumberOfIterations = 50 }).Fit(data);
        Assert.Equal(1, model.Model.TrainingReport.NumberOfIterations);
        Assert.True(model.Model.TrainingReport.Converged);
    }
}
