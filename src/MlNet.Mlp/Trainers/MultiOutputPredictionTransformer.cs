using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MlNet.Mlp.Trainers;

namespace MlNet.Mlp;

/// <summary>
/// The prediction transformer of the models with a vector of outputs (<see cref="MlpMultiOutputModelParameters"/>,
/// <see cref="MlpMultiLabelModelParameters"/>): it adds the model's output columns (<c>Score</c>, and for
/// multi-label <c>Probability</c> and <c>PredictedLabel</c>), each a known-size vector with one value per output.
/// ML.NET's own prediction transformers score one value per row, so these models come with this one; it goes into
/// pipelines, <c>CreatePredictionEngine</c> and ML.NET's model .zip like them.
/// </summary>
/// <typeparam name="TModel">The model type.</typeparam>
public sealed class MultiOutputPredictionTransformer<TModel> : SingleFeaturePredictionTransformerBase<TModel>
    where TModel : MlpModelParameters
{
    // *** Binary format ***
    // <SingleFeaturePredictionTransformerBase format>: the model (its own stream), the training schema, the feature
    // column name; nothing more.

    internal MultiOutputPredictionTransformer(IHostEnvironment env, TModel model, DataViewSchema trainSchema, string featureColumn)
        : base(Contracts.CheckRef(env, nameof(env)).Register(MultiOutputPredictionTransformerLoader.RegistrationName), model, trainSchema, featureColumn)
    {
        Scorer = GetGenericScorer();
    }

    internal MultiOutputPredictionTransformer(IHost host, ModelLoadContext ctx, TModel model)
        : base(host, ctx, model)
    {
        Scorer = GetGenericScorer();
    }

    /// <inheritdoc/>
    protected override void SaveCore(ModelSaveContext ctx)
    {
        Host.CheckValue(ctx, nameof(ctx));
        ctx.SetVersionInfo(MultiOutputPredictionTransformerLoader.VersionInfo);
        base.SaveCore(ctx);
    }
}
