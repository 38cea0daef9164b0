using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Model.OnnxConverter;
using Microsoft.ML.Runtime;
using MlNet.Mlp.Engine;
using MlNet.Mlp.Trainers;
using MlNet.Mlp.Trainers.Onnx;

namespace MlNet.Mlp;

/// <summary>
/// A multi-label MLP: K sigmoid outputs, one per label entry. <c>Score</c>[j] is the logit a_j (output j's
/// pre-activation), <c>Probability</c>[j] = σ(a_j) = 1/(1 + e^−a_j), <c>PredictedLabel</c>[j] = Probability[j] &gt; 0.5.
/// </summary>
/// <remarks>
/// It scores through <see cref="MultiOutputPredictionTransformer{TModel}"/>, which adds the three columns as
/// known-size vectors of K values. Saved into and loaded from ML.NET's model .zip like the other MLP models, and
/// exported by ML.NET's <c>ConvertToOnnx</c>.
/// </remarks>
public sealed class MlpMultiLabelModelParameters : MlpModelParameters, ISchemaBindableMapper, IBindableCanSaveOnnx
{
    // *** Binary format ***
    // <MlpModelParameters format>; nothing more
    internal const string LoaderSignature = "MlNetMlpMultiLabel";
    private const string RegistrationName = "MlpMultiLabelModel";

    /// <summary>The ScoreColumnKind annotation of the output columns (ML.NET has none for multi-label).</summary>
    internal const string ScoreColumnKind = "MultiLabelClassification";

    /// <summary>
    /// The largest logit whose probability, as <see cref="Sigmoid"/> rounds it, is not above 0.5, so that
    /// <see cref="IsPredictedTrue"/>(a) holds exactly when a exceeds it. It is not 0: for logits up to about 9·10⁻⁸ (1.5·2⁻²⁴),
    /// e^−a is within half an ulp of 1 and 1 + e^−a rounds to 2, so the probability is exactly 0.5. The ONNX export compares the logit with it, so the exported
    /// PredictedLabel does not depend on how ONNX Runtime's Sigmoid rounds.
    /// </summary>
    internal static readonly float PredictedLabelLogitThreshold = LargestLogitNotAboveOneHalf();

    private static readonly VectorOutputColumn[] Columns =
    [
        new VectorOutputColumn<float>(DefaultColumnNames.Score, NumberDataViewType.Single, AnnotationUtils.Const.ScoreValueKind.Score, logit => logit,
            (graph, logits, column) => graph.Activate(Engine.Activation.Identity, logits, column)),
        new VectorOutputColumn<float>(DefaultColumnNames.Probability, NumberDataViewType.Single, AnnotationUtils.Const.ScoreValueKind.Probability,
            Sigmoid, (graph, logits, column) => graph.Activate(Engine.Activation.Sigmoid, logits, column)),
        new VectorOutputColumn<bool>(DefaultColumnNames.PredictedLabel, BooleanDataViewType.Instance, AnnotationUtils.Const.ScoreValueKind.PredictedLabel,
            IsPredictedTrue, (graph, logits, column) => graph.GreaterThan(logits, PredictedLabelLogitThreshold, column)),
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

    /// <summary>PredictedLabel of one output: its probability exceeds 0.5 (false for a NaN logit).</summary>
    internal static bool IsPredictedTrue(float logit) => Sigmoid(logit) > 0.5f;

    private static float LargestLogitNotAboveOneHalf()
    {
        // IsPredictedTrue is false at 0, true at 1 and never turns back as the logit grows; non-negative floats order
        // like their bit patterns, so bisecting the patterns between 0 and 1 finds the last float where it is false.
        int notAbove = BitConverter.SingleToInt32Bits(0f), above = BitConverter.SingleToInt32Bits(1f);
        while (above - notAbove > 1)
        {
            int middle = notAbove + (above - notAbove) / 2;
            if (IsPredictedTrue(BitConverter.Int32BitsToSingle(middle)))
                above = middle;
            else
                notAbove = middle;
        }
        return BitConverter.Int32BitsToSingle(notAbove);
    }

    bool ICanSaveOnnx.CanSaveOnnx(OnnxContext ctx) => true;

    bool IBindableCanSaveOnnx.SaveAsOnnx(OnnxContext ctx, RoleMappedSchema schema, string[] outputNames) =>
        VectorOutputOnnxExport.Save(ctx, schema, outputNames, Columns, (graph, features) => AddForwardPass(graph, _logitEnsemble, features));

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
