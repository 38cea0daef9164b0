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
/// A binary-classification MLP: one sigmoid output. <c>Score</c> is the logit a (the output's pre-activation),
/// <c>Probability</c> = σ(a), <c>PredictedLabel</c> = Score &gt; 0.
/// </summary>
public sealed class MlpBinaryModelParameters : MlpModelParameters, IValueMapperDist, IDistCanSaveOnnx
{
    internal const string LoaderSignature = "MlNetMlpBinary";
    private const string RegistrationName = "MlpBinaryModel";
    private readonly MlpEnsemble _logitEnsemble;
    private readonly VectorDataViewType _inputType;

    internal MlpBinaryModelParameters(IHostEnvironment env, MlpEnsemble ensemble, IReadOnlyList<TrainingReport> reports)
        : base(env, RegistrationName, ensemble, reports)
    {
        (_logitEnsemble, _inputType) = Prepare();
    }

    private MlpBinaryModelParameters(IHostEnvironment env, ModelLoadContext ctx)
        : base(env, RegistrationName, ctx)
    {
        if (Network.OutputCount != 1 || Network.OutputLayer.Activation != Engine.Activation.Sigmoid)
            throw Host.ExceptDecode("Corrupt model file: a binary MLP needs one sigmoid output.");
        (_logitEnsemble, _inputType) = Prepare();
    }

    // Scoring reads the output's pre-activation (the logit; an ensemble's mean logit), so the copies used for scoring
    // end in Identity.
    private (MlpEnsemble, VectorDataViewType) Prepare() =>
        (Ensemble.WithIdentityOutput(), new VectorDataViewType(NumberDataViewType.Single, Network.InputCount));

    /// <inheritdoc/>
    protected override PredictionKind PredictionKind => PredictionKind.BinaryClassification;

    DataViewType IValueMapper.InputType => _inputType;
    DataViewType IValueMapper.OutputType => NumberDataViewType.Single;
    DataViewType IValueMapperDist.DistType => NumberDataViewType.Single;

    ValueMapper<TIn, TOut> IValueMapper.GetMapper<TIn, TOut>()
    {
        Host.Check(typeof(TIn) == typeof(VBuffer<float>) && typeof(TOut) == typeof(float), "Invalid types for the binary MLP mapper.");
        float[] dense = new float[FeatureCount];
        float[] logit = new float[1];
        ValueMapper<VBuffer<float>, float> mapper = (in VBuffer<float> src, ref float score) =>
        {
            Predict(_logitEnsemble, src, dense, logit);
            score = logit[0];
        };
        return (ValueMapper<TIn, TOut>)(Delegate)mapper;
    }

    ValueMapper<TIn, TOut, TDist> IValueMapperDist.GetMapper<TIn, TOut, TDist>()
    {
        Host.Check(typeof(TIn) == typeof(VBuffer<float>) && typeof(TOut) == typeof(float) && typeof(TDist) == typeof(float),
            "Invalid types for the binary MLP mapper.");
        float[] dense = new float[FeatureCount];
        float[] logit = new float[1];
        ValueMapper<VBuffer<float>, float, float> mapper = (in VBuffer<float> src, ref float score, ref float probability) =>
        {
            Predict(_logitEnsemble, src, dense, logit);
            score = logit[0];
            probability = Sigmoid(score);
        };
        return (ValueMapper<TIn, TOut, TDist>)(Delegate)mapper;
    }

    private static float Sigmoid(float a) => a >= 0 ? 1f / (1f + MathF.Exp(-a)) : MathF.Exp(a) / (1f + MathF.Exp(a));

    bool ICanSaveOnnx.CanSaveOnnx(OnnxContext ctx) => true;

    bool IDistCanSaveOnnx.SaveAsOnnx(OnnxContext ctx, string[] outputNames, string featureColumn) =>
        ((ISingleCanSaveOnnx)this).SaveAsOnnx(ctx, outputNames, featureColumn);

    bool ISingleCanSaveOnnx.SaveAsOnnx(OnnxContext ctx, string[] outputNames, string featureColumn)
    {
        var graph = new OnnxGraph(ctx);
        string score = AddForwardPass(graph, _logitEnsemble, featureColumn, ScorerOutputs.BinaryScore(outputNames));
        if (ScorerOutputs.BinaryProbability(outputNames) is { } probability)
            graph.Activate(Engine.Activation.Sigmoid, score, probability);
        return true;
    }

    /// <inheritdoc/>
    protected override void SaveCore(ModelSaveContext ctx)
    {
        ctx.SetVersionInfo(GetVersionInfo());
        base.SaveCore(ctx);
    }

    private static VersionInfo GetVersionInfo() => ModelFormat.VersionInfoFor("MLPBINRY", LoaderSignature);

    internal static MlpBinaryModelParameters Create(IHostEnvironment env, ModelLoadContext ctx) =>
        ModelFormat.Read(env, ctx, RegistrationName, GetVersionInfo(), "binary MLP model", () => new MlpBinaryModelParameters(env, ctx));
}
