using Microsoft.ML;
using Microsoft.ML.Data;
using MlNet.Mlp.Tests.Infrastructure;
using MlNet.Mlp.Tests.MultiOutput;
using Xunit;
using Xunit.Abstractions;

namespace MlNet.Mlp.Tests.Onnx;

/// <summary>
/// Pipelines ending in each of our trainers exported with ML.NET's <c>ConvertToOnnx</c> and run by ONNX Runtime through
/// <c>ApplyOnnxModel</c>, column by column against ML.NET's own scoring (as ML.NET's OnnxConversionTest does):
/// Score and Probability within <see cref="OnnxComparison.RelativeTolerance"/>, PredictedLabel identical.
/// </summary>
public class OnnxExportTests(ITestOutputHelper output)
{
    private readonly MLContext _ml = new(seed: 1);

    [Fact]
    public void A_perceptron_exports_Score_and_PredictedLabel()
    {
        IDataView data = TestData.BreastCancer(_ml);
        var pipeline = _ml.Transforms.NormalizeMinMax("Features")
            .Append(_ml.BinaryClassification.Trainers.Perceptron(new PerceptronTrainer.Options { NumberOfIterations = 5, Seed = 1 }));
        ExportAndCompare(pipeline, data, "Score", "PredictedLabel");
    }

    [Theory]
    [InlineData(MlpActivation.Relu)]
    [InlineData(MlpActivation.Tanh)]
    [InlineData(MlpActivation.Sigmoid)]
    [InlineData(MlpActivation.HardTanh)]
    [InlineData(MlpActivation.Identity)]
    public void A_binary_MLP_exports_Score_Probability_and_PredictedLabel_for_every_activation(MlpActivation activation)
    {
        // Raw features: the standardisation folded into the first layer must export with it.
        IDataView data = TestData.BreastCancer(_ml);
        var trainer = _ml.BinaryClassification.Trainers.Mlp(new MlpBinaryTrainer.Options
        {
            HiddenLayerSizes = [8, 4], Activation = activation, NumberOfIterations = 10, EarlyStopping = false, Seed = 1,
        });
        ExportAndCompare(trainer, data, "Score", "Probability", "PredictedLabel");
    }

    [Theory]
    [InlineData(9)]
    [InlineData(10)]
    [InlineData(11)]
    [InlineData(12)]
    public void A_multiclass_MLP_between_MapValueToKey_and_MapKeyToValue_exports_at_every_opset(int opset)
    {
        IDataView data = _ml.Data.TakeRows(TestData.Digits(_ml), 400);
        var pipeline = _ml.Transforms.Conversion.MapValueToKey("Label", "Digit")
            .Append(_ml.MulticlassClassification.Trainers.Mlp(new MlpMulticlassTrainer.Options
            {
                HiddenLayerSizes = [16], Activation = MlpActivation.HardTanh, NumberOfIterations = 10, EarlyStopping = false, Seed = 1,
            }))
            .Append(_ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
        ExportAndCompare(pipeline, data, opset, "Score", "PredictedLabel");
    }

    [Fact]
    public void A_multiclass_MLP_on_a_key_label_exports_its_PredictedLabel_key()
    {
        IDataView data = _ml.Data.LoadFromEnumerable(_ml.Data.CreateEnumerable<TestData.DigitRow>(TestData.Digits(_ml), reuseRowObject: false)
            .Take(400).Select(row => new DigitKeyRow { Features = row.Features, Label = (uint)row.Digit + 1 }).ToList());
        var trainer = _ml.MulticlassClassification.Trainers.Mlp(new MlpMulticlassTrainer.Options
        {
            HiddenLayerSizes = [16, 8], Activation = MlpActivation.Sigmoid, NumberOfIterations = 10, EarlyStopping = false, Seed = 1,
        });
        ExportAndCompare(trainer, data, "Score", "PredictedLabel");
    }

    private sealed class DigitKeyRow
    {
        [KeyType(10)] public uint Label { get; set; }
        [VectorType(64)] public float[] Features { get; set; } = [];
    }

    [Fact]
    public void A_regression_MLP_after_NormalizeMeanVariance_exports_its_rescaled_Score()
    {
        IDataView data = TestData.Diabetes(_ml);
        var pipeline = _ml.Transforms.NormalizeMeanVariance("Features")
            .Append(_ml.Regression.Trainers.Mlp(new MlpRegressionTrainer.Options
            {
                HiddenLayerSizes = [8], Activation = MlpActivation.Tanh, NumberOfIterations = 20, EarlyStopping = false, Seed = 1,
            }));
        ExportAndCompare(pipeline, data, "Score");
    }

    [Fact]
    public void A_regression_MLP_after_Concatenate_exports()
    {
        IDataView data = _ml.Data.LoadFromTextFile<IrisColumns>(TestData.PathOf("iris.csv"), separatorChar: ',', hasHeader: true);
        var pipeline = _ml.Transforms.Concatenate("Features", nameof(IrisColumns.SepalLength), nameof(IrisColumns.SepalWidth), nameof(IrisColumns.PetalLength))
            .Append(_ml.Regression.Trainers.Mlp(new MlpRegressionTrainer.Options
            {
                LabelColumnName = nameof(IrisColumns.PetalWidth), HiddenLayerSizes = [6], NumberOfIterations = 20, EarlyStopping = false, Seed = 1,
            }));
        ExportAndCompare(pipeline, data, "Score");
    }

    [Fact]
    public void A_multi_output_regression_MLP_exports_its_rescaled_Score_vector()
    {
        // Targets of different scales (the third lives around 100): LabelScales and LabelMeans must export per output.
        IDataView data = MultiOutputData.Load(_ml, MultiOutputData.KnownStructure(200, seed: 1));
        var trainer = _ml.Regression.Trainers.MlpMultiOutput(new MlpMultiOutputRegressionTrainer.Options
        {
            HiddenLayerSizes = [8], Activation = MlpActivation.Tanh, NumberOfIterations = 20, EarlyStopping = false, Seed = 1,
        });
        IDataView actual = ExportAndCompare(trainer, data, "Score");
        // ApplyOnnxModel reads the N × K output as a known-size vector of 1 × K per row, as it reads every vector column.
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 1, 3), actual.Schema["Score"].Type);
    }

    [Theory]
    [InlineData(9)]
    [InlineData(12)]
    public void A_multi_label_MLP_exports_Score_Probability_and_PredictedLabel_vectors(int opset)
    {
        IDataView data = MultiOutputData.Load(_ml, MultiOutputData.MultiLabel(300, seed: 3));
        var trainer = _ml.BinaryClassification.Trainers.MlpMultiLabel(new MlpMultiLabelTrainer.Options
        {
            HiddenLayerSizes = [8], Activation = MlpActivation.Relu, NumberOfIterations = 20, EarlyStopping = false, Seed = 1,
        });
        IDataView actual = ExportAndCompare(trainer, data, opset, "Score", "Probability", "PredictedLabel");
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 1, 3), actual.Schema["Score"].Type);
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 1, 3), actual.Schema["Probability"].Type);
        Assert.Equal(new VectorDataViewType(BooleanDataViewType.Instance, 1, 3), actual.Schema["PredictedLabel"].Type);
    }

    [Fact]
    public void A_model_loaded_from_its_zip_in_a_fresh_context_exports()
    {
        // The usual route: train, save, and export later from the .zip in another process.
        ExportFromZipAndCompare(_ml.Regression.Trainers.Mlp(new MlpRegressionTrainer.Options
        {
            HiddenLayerSizes = [8], NumberOfIterations = 10, EarlyStopping = false, Seed = 1,
        }), TestData.Diabetes(_ml), "Score");
    }

    [Fact]
    public void A_multi_label_model_loaded_from_its_zip_in_a_fresh_context_exports()
    {
        // Loaded, it is a MultiOutputPredictionTransformer closed over the model type at load time.
        ExportFromZipAndCompare(_ml.BinaryClassification.Trainers.MlpMultiLabel(new MlpMultiLabelTrainer.Options
        {
            HiddenLayerSizes = [8], NumberOfIterations = 10, EarlyStopping = false, Seed = 1,
        }), MultiOutputData.Load(_ml, MultiOutputData.MultiLabel(200, seed: 3)), "Probability", "PredictedLabel");
    }

    [Fact]
    public void Ensembles_behind_a_robust_input_stage_export_for_every_task()
    {
        var robustEnsemble = (MlpOptionsBase o) =>
        {
            o.HiddenLayerSizes = [6];
            o.NumberOfIterations = 5;
            o.EarlyStopping = false;
            o.Seed = 1;
            o.FeatureScaling = MlpFeatureScaling.Robust;
            o.EnsembleSize = 3;
        };
        var binary = new MlpBinaryTrainer.Options();
        robustEnsemble(binary);
        ExportAndCompare(_ml.BinaryClassification.Trainers.Mlp(binary), TestData.BreastCancer(_ml), "Score", "Probability", "PredictedLabel");
        var multiclass = new MlpMulticlassTrainer.Options();
        robustEnsemble(multiclass);
        ExportAndCompare(_ml.Transforms.Conversion.MapValueToKey("Label", "Digit").Append(_ml.MulticlassClassification.Trainers.Mlp(multiclass)),
            _ml.Data.TakeRows(TestData.Digits(_ml), 300), "Score", "PredictedLabel");
        var regression = new MlpRegressionTrainer.Options();
        robustEnsemble(regression);
        ExportAndCompare(_ml.Regression.Trainers.Mlp(regression), TestData.Diabetes(_ml), "Score");
        var multiOutput = new MlpMultiOutputRegressionTrainer.Options();
        robustEnsemble(multiOutput);
        ExportAndCompare(_ml.Regression.Trainers.MlpMultiOutput(multiOutput), MultiOutputData.Load(_ml, MultiOutputData.KnownStructure(200, seed: 1)), "Score");
        var multiLabel = new MlpMultiLabelTrainer.Options();
        robustEnsemble(multiLabel);
        ExportAndCompare(_ml.BinaryClassification.Trainers.MlpMultiLabel(multiLabel), MultiOutputData.Load(_ml, MultiOutputData.MultiLabel(300, seed: 3)),
            "Score", "Probability", "PredictedLabel");
    }

    /// <summary>
    /// ML.NET's ONNX context files every constant's name as a column name, so a constant named like a column of the
    /// data would take that column's place in whatever reads it afterwards, its pass-through output included.
    /// </summary>
    [Fact]
    public void Columns_named_like_the_graphs_constants_pass_through_unchanged()
    {
        string[] names = ["W", "B", "One", "MinusOne", "Factor", "Term", "Centre", "Saturation", "ClipBound", "Threshold", "KeyOffset"];
        var random = new Random(4);
        IDataView data = _ml.Data.LoadFromEnumerable(Enumerable.Range(0, 60).Select(_ => new ConstantNamedColumns
        {
            W = random.NextSingle(), B = random.NextSingle(), One = random.NextSingle(), MinusOne = random.NextSingle(),
            Factor = random.NextSingle(), Term = random.NextSingle(), Centre = random.NextSingle(), Saturation = random.NextSingle(),
            ClipBound = random.NextSingle(), Threshold = random.NextSingle(), KeyOffset = random.NextSingle(),
        }).Select(r => { r.Label = r.W + r.B > 1; return r; }).ToList());
        var pipeline = _ml.Transforms.Concatenate("Features", names)
            .Append(_ml.BinaryClassification.Trainers.Mlp(new MlpBinaryTrainer.Options
            {
                HiddenLayerSizes = [4], Activation = MlpActivation.HardTanh, EnsembleSize = 2, NumberOfIterations = 3, Seed = 1,
            }));

        ExportAndCompare(pipeline, data, ["Score", "Probability", "PredictedLabel", .. names]);
    }

    private sealed class ConstantNamedColumns
    {
        public float W { get; set; }
        public float B { get; set; }
        public float One { get; set; }
        public float MinusOne { get; set; }
        public float Factor { get; set; }
        public float Term { get; set; }
        public float Centre { get; set; }
        public float Saturation { get; set; }
        public float ClipBound { get; set; }
        public float Threshold { get; set; }
        public float KeyOffset { get; set; }
        public bool Label { get; set; }
    }

    private sealed class IrisColumns
    {
        [LoadColumn(0)] public float SepalLength { get; set; }
        [LoadColumn(1)] public float SepalWidth { get; set; }
        [LoadColumn(2)] public float PetalLength { get; set; }
        [LoadColumn(3)] public float PetalWidth { get; set; }
    }

    private IDataView ExportAndCompare(IEstimator<ITransformer> pipeline, IDataView data, params string[] columns) =>
        ExportAndCompare(pipeline, data, opset: null, columns);

    /// <summary>Fits, exports and compares <paramref name="columns"/>; returns the data as ONNX Runtime scored it.</summary>
    private IDataView ExportAndCompare(IEstimator<ITransformer> pipeline, IDataView data, int? opset, params string[] columns)
    {
        ITransformer model = pipeline.Fit(data);
        return ExportAndCompare(model, model, data, opset, columns);
    }

    /// <summary>Fits, saves to a .zip, loads it in a fresh context, exports what loaded and compares it with the fitted model.</summary>
    private void ExportFromZipAndCompare(IEstimator<ITransformer> pipeline, IDataView data, params string[] columns)
    {
        ITransformer trained = pipeline.Fit(data);
        using var zip = new MemoryStream();
        _ml.Model.Save(trained, data.Schema, zip);
        zip.Position = 0;
        ITransformer loaded = new MLContext().Model.Load(zip, out _);
        ExportAndCompare(trained, loaded, data, opset: null, columns);
    }

    private IDataView ExportAndCompare(ITransformer scoredByMlNet, ITransformer exported, IDataView data, int? opset, string[] columns)
    {
        IDataView expected = scoredByMlNet.Transform(data);
        // ApplyOnnxModel names its columns after the graph's outputs less ".output": Score, PredictedLabel, ...
        IDataView actual = OnnxComparison.ScoreWithOnnxRuntime(_ml, exported, data, opset);
        foreach (string column in columns)
        {
            string report = column == "PredictedLabel"
                ? OnnxComparison.AssertLabelsIdentical(expected, actual, column)
                : OnnxComparison.AssertScoresAgree(expected, actual, column);
            output.WriteLine($"{column}: {report}");
        }
        return actual;
    }
}
