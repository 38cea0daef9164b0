using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MlNet.Mlp.Engine;
using MlNet.Mlp.Trainers;

namespace MlNet.Mlp;

/// <summary>
/// A multi-label MLP: K sigmoid outputs, one per label entry. <c>Score</c>[j] is the logit a_j (output j's
/// pre-activation), <c>Probability</c>[j] = σ(a_j) = 1/(1 + e^−a_j), <c>PredictedLabel</c>[j] = Probability[j] &gt; 0.5.
/// </summary>
/// <remarks>
/// It scores through <see cref="MultiOutputPredictionTransformer{TModel}"/>, which adds the three columns as
/// known-size vectors of K values. Saved into and loaded from ML.NET's model .zip like the other MLP models.
/// </remarks>
public sealed class MlpMultiLabelModelParameters : MlpModelParameters, ISchemaBindableMapper
{
    // *** Binary format ***
    // <MlpModelParameters format>; nothing more
    internal const string LoaderSignature = "MlNetMlpMultiLabel";
    private const string RegistrationName = "MlpMultiLabelModel";

    /// <summary>The ScoreColumnKind annotation of the output columns (ML.NET has none for multi-label).</summary>
    internal const string ScoreColumnKind = "MultiLabelClassification";

    private static readonly VectorOutputColumn[] Columns =
    [
        new VectorOutputColumn<float>(DefaultColumnNames.Score, NumberDataViewType.Single, AnnotationUtils.Const.ScoreValueKind.Score, (logit, _) => logit),
        new VectorOutputColumn<float>(DefaultColumnNames.Probability, NumberDataViewType.Single, AnnotationUtils.Const.ScoreValueKind.Probability,
            (logit, _) => Sigmoid(logit)),
        new VectorOutputColumn<bool>(DefaultColumnNames.PredictedLabel, BooleanDataViewType.Instance, AnnotationUtils.Const.ScoreValueKind.PredictedLabel,
            (logit, _) => Sigmoid(logit) > 0.5f),
    ];

    // Scoring reads the outputs' pre-activations (the logits), so the copy used for scoring ends in Identity.
    private readonly MlpEnsemble _logitEnsemble;

    internal MlpMultiLabelModelParameters(IHostEnvironment env, MlpEnsemble ensemble, IReadOnlyList<TrainingReport> reports)
        : base(env, RegistrationName, ensemble, reports)
    {
        _logitEnsemble = Ensemble.WithIdentityOutput();
    }

    private MlpMultiLabelModelParameters(IHostEnvironment env, ModelLoadContext ctx)
        : base(env, RegistrationName, ctx)
    {
        if (Network.OutputLayer.Activation != Engine.Activation.Sigmoid)
            throw Host.ExceptDecode("Corrupt model file: a multi-label MLP needs sigmoid outputs.");
        _logitEnsemble = Ensemble.WithIdentityOutput();
    }

    /// <summary>The number of labels: the size of the label vector.</summary>
    public int LabelCount => Network.OutputCount;

    /// <inheritdoc/>
    protected override PredictionKind PredictionKind => PredictionKind.Custom;

    ISchemaBoundMapper ISchemaBindableMapper.Bind(IHostEnvironment env, RoleMappedSchema schema) =>
        new VectorOutputRowMapper(env, this, schema, ScoreColumnKind, Columns, FeatureCount, LabelCount,
            (in VBuffer<float> features, Span<float> dense, Span<float> logits) => Predict(_logitEnsemble, features, dense, logits));

    // e^−a overflows to ∞ for a below about −88, which gives exactly 0: no NaN for any finite logit.
    private static float Sigmoid(float logit) => 1f / (1f + MathF.Exp(-logit));

    /// <inheritdoc/>
    protected override void SaveCore(ModelSaveContext ctx)
    {
        ctx.SetVersionInfo(GetVersionInfo());
        base.SaveCore(ctx);
    }

    private static VersionInfo GetVersionInfo() => ModelFormat.VersionInfoFor("MLPMLABL", LoaderSignature);

    internal static MlpMultiLabelModelParameters Create(IHostEnvironment env, ModelLoadContext ctx) =>
        ModelFormat.Read(env, ctx, RegistrationName, GetVersionInfo(), "multi-label MLP model", () => new MlpMultiLabelModelParameters(env, ctx));
}
