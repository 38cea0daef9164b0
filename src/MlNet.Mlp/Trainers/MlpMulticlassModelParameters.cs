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

/// <summary>A multiclass MLP: K softmax outputs. <c>Score</c> holds the K class probabilities.</summary>
/// <remarks>
/// Every MLP model shares <see cref="MlpModelParameters"/> (so one <c>Fit(data, modelParameters)</c> serves all tasks), whose
/// ML.NET base produces a float; ML.NET's multiclass loader asks for a model producing a float vector, which this
/// class declares as well.
/// </remarks>
public sealed class MlpMulticlassModelParameters : MlpModelParameters, IValueMapper, IPredictorProducing<VBuffer<float>>, ISingleCanSaveOnnx
{
    internal const string LoaderSignature = "MlNetMlpMulticlass";
    private const string RegistrationName = "MlpMulticlassModel";
    private readonly VectorDataViewType _inputType;
    private readonly VectorDataViewType _outputType;

    internal MlpMulticlassModelParameters(IHostEnvironment env, MlpEnsemble ensemble, IReadOnlyList<TrainingReport> reports)
        : base(env, RegistrationName, ensemble, reports)
    {
        (_inputType, _outputType) = (new(NumberDataViewType.Single, Network.InputCount), new(NumberDataViewType.Single, Network.OutputCount));
    }

    private MlpMulticlassModelParameters(IHostEnvironment env, ModelLoadContext ctx)
        : base(env, RegistrationName, ctx)
    {
        if (Network.OutputLayer.Activation != Engine.Activation.Softmax)
            throw Host.ExceptDecode("Corrupt model file: a multiclass MLP needs a softmax output.");
        (_inputType, _outputType) = (new(NumberDataViewType.Single, Network.InputCount), new(NumberDataViewType.Single, Network.OutputCount));
    }

    /// <summary>The number of classes.</summary>
    public int ClassCount => Network.OutputCount;

    /// <inheritdoc/>
    protected override PredictionKind PredictionKind => PredictionKind.MulticlassClassification;

    DataViewType IValueMapper.InputType => _inputType;
    DataViewType IValueMapper.OutputType => _outputType;

    ValueMapper<TIn, TOut> IValueMapper.GetMapper<TIn, TOut>()
    {
        Host.Check(typeof(TIn) == typeof(VBuffer<float>) && typeof(TOut) == typeof(VBuffer<float>), "Invalid types for the multiclass MLP mapper.");
        float[] dense = new float[FeatureCount];
        ValueMapper<VBuffer<float>, VBuffer<float>> mapper = (in VBuffer<float> src, ref VBuffer<float> dst) =>
        {
            var editor = VBufferEditor.Create(ref dst, ClassCount);
            Predict(Ensemble, src, dense, editor.Values);
            dst = editor.Commit();
        };
        return (ValueMapper<TIn, TOut>)(Delegate)mapper;
    }

    bool ICanSaveOnnx.CanSaveOnnx(OnnxContext ctx) => true;

    bool ISingleCanSaveOnnx.SaveAsOnnx(OnnxContext ctx, string[] outputNames, string featureColumn)
    {
        var graph = new OnnxGraph(ctx);
        (string predictedLabel, string score) = ScorerOutputs.Multiclass(outputNames);
        AddForwardPass(graph, Ensemble, featureColumn, score);
        graph.OneBasedKeyOfLargest(score, predictedLabel);
        return true;
    }

    /// <inheritdoc/>
    protected override void SaveCore(ModelSaveContext ctx)
    {
        ctx.SetVersionInfo(GetVersionInfo());
        base.SaveCore(ctx);
    }

    private static VersionInfo GetVersionInfo() => ModelFormat.VersionInfoFor("MLPMULTI", LoaderSignature);

    internal static MlpMulticlassModelParameters Create(IHostEnvironment env, ModelLoadContext ctx) =>
        ModelFormat.Read(env, ctx, RegistrationName, GetVersionInfo(), "multiclass MLP model", () => new MlpMulticlassModelParameters(env, ctx));
}
