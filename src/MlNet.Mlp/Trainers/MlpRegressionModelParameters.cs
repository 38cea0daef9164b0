using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Model.OnnxConverter;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers;
using MlNet.Mlp.Engine;
using MlNet.Mlp.Kernels;
using MlNet.Mlp.Trainers;
using MlNet.Mlp.Trainers.Onnx;

namespace MlNet.Mlp;

/// <summary>
/// A regression MLP: one identity output trained on the standardised label; <c>Score</c> = output × LabelScale + LabelMean.
/// </summary>
public sealed class MlpRegressionModelParameters : MlpModelParameters, IValueMapper, ISingleCanSaveOnnx
{
    internal const string LoaderSignature = "MlNetMlpRegression";
    private const string RegistrationName = "MlpRegressionModel";
    private readonly VectorDataViewType _inputType;

    internal MlpRegressionModelParameters(IHostEnvironment env, MlpEnsemble ensemble, IReadOnlyList<TrainingReport> reports, float labelMean, float labelScale)
        : base(env, RegistrationName, ensemble, reports)
    {
        Host.CheckParam(float.IsFinite(labelMean), nameof(labelMean), "must be finite");
        Host.CheckParam(labelScale > 0 && float.IsFinite(labelScale), nameof(labelScale), "must be positive and finite");
        LabelMean = labelMean;
        LabelScale = labelScale;
        _inputType = new VectorDataViewType(NumberDataViewType.Single, Network.InputCount);
    }

    private MlpRegressionModelParameters(IHostEnvironment env, ModelLoadContext ctx)
        : base(env, RegistrationName, ctx)
    {
        // <base format>, then: float label mean, float label scale (> 0)
        if (Network.OutputCount != 1 || Network.OutputLayer.Activation != Engine.Activation.Identity)
            throw Host.ExceptDecode("Corrupt model file: a regression MLP needs one identity output.");
        LabelMean = ModelFormat.ReadFiniteSingle(Host, ctx, "the label mean");
        LabelScale = ModelFormat.ReadFiniteSingle(Host, ctx, "the label scale");
        if (!(LabelScale > 0))
            throw Host.ExceptDecode($"Corrupt model file: the label scale is {LabelScale}, expected a positive value.");
        _inputType = new VectorDataViewType(NumberDataViewType.Single, Network.InputCount);
    }

    /// <summary>The mean of the training labels; the network predicts (label − LabelMean) / LabelScale.</summary>
    public float LabelMean { get; }

    /// <summary>The standard deviation of the training labels (1 when they were constant).</summary>
    public float LabelScale { get; }

    /// <inheritdoc/>
    protected override PredictionKind PredictionKind => PredictionKind.Regression;

    DataViewType IValueMapper.InputType => _inputType;
    DataViewType IValueMapper.OutputType => NumberDataViewType.Single;

    ValueMapper<TIn, TOut> IValueMapper.GetMapper<TIn, TOut>()
    {
        Host.Check(typeof(TIn) == typeof(VBuffer<float>) && typeof(TOut) == typeof(float), "Invalid types for the regression MLP mapper.");
        float[] dense = new float[FeatureCount];
        float[] output = new float[1];
        ValueMapper<VBuffer<float>, float> mapper = (in VBuffer<float> src, ref float score) =>
        {
            Predict(Ensemble, src, dense, output);
            score = LabelStandardization.ToLabelScale(output[0], LabelScale, LabelMean);
        };
        return (ValueMapper<TIn, TOut>)(Delegate)mapper;
    }

    bool ICanSaveOnnx.CanSaveOnnx(OnnxContext ctx) => true;

    bool ISingleCanSaveOnnx.SaveAsOnnx(OnnxContext ctx, string[] outputNames, string featureColumn)
    {
        // Multiply, then add, as the mapper does, so that both round alike.
        var graph = new OnnxGraph(ctx);
        string standardized = AddForwardPass(graph, Ensemble, featureColumn);
        graph.Add(graph.Multiply(standardized, [LabelScale]), [LabelMean], ScorerOutputs.RegressionScore(outputNames));
        return true;
    }

    /// <inheritdoc/>
    protected override void SaveCore(ModelSaveContext ctx)
    {
        ctx.SetVersionInfo(GetVersionInfo());
        base.SaveCore(ctx);
        ctx.Writer.Write(LabelMean);
        ctx.Writer.Write(LabelScale);
    }

    private static VersionInfo GetVersionInfo() => ModelFormat.VersionInfoFor("MLPREGRS", LoaderSignature);

    internal static MlpRegressionModelParameters Create(IHostEnvironment env, ModelLoadContext ctx) =>
        ModelFormat.Read(env, ctx, RegistrationName, GetVersionInfo(), "regression MLP model", () => new MlpRegressionModelParameters(env, ctx));
}
