using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MlNet.Mlp;
using MlNet.Mlp.Trainers;

[assembly: LoadableClass(typeof(ISingleFeaturePredictionTransformer<object>), typeof(MultiOutputPredictionTransformerLoader), null,
    typeof(SignatureLoadModel), "MlNet.Mlp multi-output prediction transformer", MultiOutputPredictionTransformerLoader.LoaderSignature)]

namespace MlNet.Mlp.Trainers;

/// <summary>
/// Loads a <see cref="MultiOutputPredictionTransformer{TModel}"/> from ML.NET's model .zip: the model first, whose
/// type then closes the generic transformer.
/// </summary>
internal static class MultiOutputPredictionTransformerLoader
{
    public const string LoaderSignature = "MlNetMlpMultiOutputXfer";
    public const string RegistrationName = "MultiOutputPredictionTransformer";

    public static VersionInfo VersionInfo => ModelFormat.VersionInfoFor("MLPMOXFR", LoaderSignature);

    public static ISingleFeaturePredictionTransformer<object> Create(IHostEnvironment env, ModelLoadContext ctx)
    {
        Contracts.CheckValue(env, nameof(env));
        IHost host = env.Register(RegistrationName);
        host.CheckValue(ctx, nameof(ctx));
        ModelFormat.CheckVersion(host, ctx, VersionInfo, "multi-output prediction transformer");
        ctx.LoadModel<MlpModelParameters, SignatureLoadModel>(host, out MlpModelParameters model, "Model");
        return model switch
        {
            MlpMultiOutputModelParameters multiOutput => new MultiOutputPredictionTransformer<MlpMultiOutputModelParameters>(host, ctx, multiOutput),
            MlpMultiLabelModelParameters multiLabel => new MultiOutputPredictionTransformer<MlpMultiLabelModelParameters>(host, ctx, multiLabel),
            _ => throw host.ExceptDecode($"Corrupt model file: a multi-output prediction transformer holds a {model.GetType().Name}."),
        };
    }
}
