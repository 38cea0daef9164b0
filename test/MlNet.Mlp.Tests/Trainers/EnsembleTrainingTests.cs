using Microsoft.ML;
using Microsoft.ML.Data;
using MlNet.Mlp.Engine;
using MlNet.Mlp.Tests.Infrastructure;
using Xunit;

namespace MlNet.Mlp.Tests.Trainers;

public class EnsembleTrainingTests
{
    [Fact]
    public void EachMemberIsTheSingleNetworkOfItsSeedAndTheModelAveragesThem()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = TestData.BreastCancer(ml);
        // Four threads: the three members train side by side, one thread each, and must still be the single networks.
        MlpBinaryTrainer.Options Options(int seed, int members) => new()
        {
            HiddenLayerSizes = [6], NumberOfIterations = 4, Seed = seed, EnsembleSize = members, NumberOfThreads = 4,
        };
        var ensemble = ml.BinaryClassification.Trainers.Mlp(Options(10, 3)).Fit(data).Model;
        Assert.Equal(3, ensemble.EnsembleSize);
        Assert.Equal(3, ensemble.MemberTrainingReports.Count);
        for (int k = 0; k < 3; k++)
        {
            var single = ml.BinaryClassification.Trainers.Mlp(Options(10 + k, 1)).Fit(data).Model;
            Assert.Equal(single.Weights.SelectMany(w => w), ensemble.MemberWeights(k).SelectMany(w => w));
            Assert.Equal(single.Biases.SelectMany(b => b), ensemble.MemberBiases(k).SelectMany(b => b));
        }
        Assert.Equal(ensemble.MemberWeights(0).SelectMany(w => w), ensemble.Weights.SelectMany(w => w));

        float[] row = data.GetColumn<float[]>("Features").First();
        double meanLogit = ensemble.Ensemble.Members.Average(member =>
        {
            var logit = new float[1];
            member.WithIdentityOutput().Predict(row, logit);
            return (double)logit[0];
        });
        var output = new float[1];
        ensemble.Ensemble.WithIdentityOutput().Predict(row, output);
        Assert.Equal(meanLogit, output[0], 5);
    }

    [Fact]
    public void EachMembersReportMarksItsEpochsWithItsIndexBeforeAndAfterSaving()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = TestData.BreastCancer(ml);
        var model = ml.BinaryClassification.Trainers.Mlp(new MlpBinaryTrainer.Options
        {
            HiddenLayerSizes = [4], NumberOfIterations = 3, Seed = 3, EnsembleSize = 3,
        }).Fit(data);
        using var zip = new MemoryStream();
        ml.Model.Save(model, data.Schema, zip);
        zip.Position = 0;
        var loaded = (BinaryPredictionTransformer<MlpBinaryModelParameters>)new MLContext().Model.Load(zip, out _);

        foreach (MlpBinaryModelParameters parameters in new[] { model.Model, loaded.Model })
        {
            for (int k = 0; k < 3; k++)
                Assert.All(parameters.MemberTrainingReports[k].Epochs, epoch => Assert.Equal(k, epoch.Member));
        }
    }

    [Fact]
    public void ContinuingFromAnEnsembleTrainsEveryMember()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = TestData.Diabetes(ml);
        var trainer = ml.Regression.Trainers.Mlp(new MlpRegressionTrainer.Options
        {
            HiddenLayerSizes = [5], NumberOfIterations = 3, Seed = 2, EnsembleSize = 2, FeatureScaling = MlpFeatureScaling.Robust,
        });
        MlpRegressionModelParameters first = trainer.Fit(data).Model;
        MlpRegressionModelParameters continued = trainer.Fit(data, first).Model;
        Assert.Equal(2, continued.EnsembleSize);
        Assert.Same(first.InputScaling, continued.InputScaling);
        Assert.NotEqual(first.MemberWeights(1).SelectMany(w => w), continued.MemberWeights(1).SelectMany(w => w));
    }

    [Fact]
    public void ContinuingWithOptionsTheModelOverridesWarnsNamingThem()
    {
        var ml = new MLContext(seed: 1);
        var log = new List<string>();
        ml.Log += (_, e) => { if (e.Kind == Microsoft.ML.Runtime.ChannelMessageKind.Warning) lock (log) log.Add(e.Message); };
        IDataView data = TestData.Diabetes(ml);
        var options = new MlpRegressionTrainer.Options
        {
            HiddenLayerSizes = [5], NumberOfIterations = 2, Seed = 2, EnsembleSize = 2, FeatureScaling = MlpFeatureScaling.Robust,
        };
        MlpRegressionModelParameters first = ml.Regression.Trainers.Mlp(options).Fit(data).Model;

        ml.Regression.Trainers.Mlp(options).Fit(data, first);
        Assert.DoesNotContain(log, m => m.Contains("Continuing from a model"));

        MlpRegressionModelParameters continued = ml.Regression.Trainers.Mlp(new MlpRegressionTrainer.Options
        {
            HiddenLayerSizes = [7, 7], Activation = MlpActivation.Tanh, NumberOfIterations = 2, Seed = 2, EnsembleSize = 3,
            FeatureScaling = MlpFeatureScaling.Standardize,
        }).Fit(data, first).Model;

        Assert.Equal(first.LayerSizes, continued.LayerSizes);
        Assert.Equal(2, continued.EnsembleSize);
        string warning = Assert.Single(log, m => m.Contains("Continuing from a model"));
        Assert.Contains("HiddenLayerSizes [7, 7] (the model's: [5])", warning);
        Assert.Contains($"Activation Tanh (the model's: {first.Activation})", warning);
        Assert.Contains("EnsembleSize 3 (the model's: 2)", warning);
        Assert.Contains("FeatureScaling Standardize (the model keeps its robust input stage)", warning);
    }

    [Fact]
    public void RobustScalingGivesTheModelAnInputStageAndStandardizingDoesNot()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = TestData.BreastCancer(ml);
        var robust = ml.BinaryClassification.Trainers.Mlp(new MlpBinaryTrainer.Options
        {
            HiddenLayerSizes = [6], NumberOfIterations = 20, Seed = 1, FeatureScaling = MlpFeatureScaling.Robust,
        }).Fit(data);
        Assert.NotNull(robust.Model.InputScaling);
        Assert.Equal(30, robust.Model.InputScaling!.FeatureCount);
        Assert.True(ml.BinaryClassification.Evaluate(robust.Transform(data)).Accuracy > 0.9);
        var standardized = ml.BinaryClassification.Trainers.Mlp(new MlpBinaryTrainer.Options
        {
            HiddenLayerSizes = [6], NumberOfIterations = 2, Seed = 1, FeatureScaling = MlpFeatureScaling.Standardize,
        }).Fit(data);
        Assert.Null(standardized.Model.InputScaling);
    }

    [Fact]
    public void EnsembleSizeOutsideItsRangeIsRejectedNamingTheOption()
    {
        var ml = new MLContext();
        var error = Assert.ThrowsAny<ArgumentOutOfRangeException>(() => ml.BinaryClassification.Trainers.Mlp(new MlpBinaryTrainer.Options { EnsembleSize = 0 }));
        Assert.Contains("EnsembleSize", error.Message);
        Assert.ThrowsAny<ArgumentOutOfRangeException>(() => ml.BinaryClassification.Trainers.Mlp(new MlpBinaryTrainer.Options { EnsembleSize = 65 }));
    }
}
