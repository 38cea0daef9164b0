using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Model.OnnxConverter;
using Microsoft.ML.Runtime;
using MlNet.Mlp.Engine;
using MlNet.Mlp.Trainers;
using MlNet.Mlp.Trainers.Onnx;

namespace MlNet.Mlp;

/// <summary>
/// A multi-output regression MLP: K identity outputs, each trained on its standardised label entry;
/// <c>Score</c>[j] = output j × LabelScales[j] + LabelMeans[j].
/// </summary>
/// <remarks>
/// It scores through <see cref="MultiOutputPredictionTransformer{TModel}"/>, which adds <c>Score</c>, a known-size
/// vector of K Singles. Saved into and loaded from ML.NET's model .zip like the other MLP models, and exported by
/// ML.NET's <c>ConvertToOnnx</c>.
/// </remarks>
public sealed class MlpMultiOutputModelParameters : MlpModelParameters, ISchemaBindableMapper, IBindableCanSaveOnnx
{
    // *** Binary format ***
    // <MlpModelParameters format>, then: float[K] label means, float[K] label scales (> 0), K = the output count
    internal const string LoaderSignature = "MlNetMlpMultiOutput";
    private const string RegistrationName = "MlpMultiOutputModel";
    private static readonly VectorOutputColumn[] Columns =
        [new VectorOutputColumn<float>(DefaultColumnNames.Score, NumberDataViewType.Single, AnnotationUtils.Const.ScoreValueKind.Score, score => score,
            (graph, scores, column) => graph.Activate(Engine.Activation.Identity, scores, column))];

    private readonly float[] _labelMeans;
    private readonly float[] _labelScales;

    internal MlpMultiOutputModelParameters(IHostEnvironment env, MlpEnsemble ensemble, IReadOnlyList<TrainingReport> reports, float[] labelMeans, float[] labelScales)
        : base(env, RegistrationName, ensemble, reports)
    {
        Host.CheckParam(labelMeans.Length == ensemble.OutputCount && labelMeans.All(float.IsFinite), nameof(labelMeans), "needs one finite mean per output");
        Host.CheckParam(labelScales.Length == ensemble.OutputCount && labelScales.All(s => s > 0 && float.IsFinite(s)), nameof(labelScales),
            "needs one positive, finite scale per output");
        _labelMeans = labelMeans.ToArray();
        _labelScales = labelScales.ToArray();
    }

    private MlpMultiOutputModelParameters(IHostEnvironment env, ModelLoadContext ctx)
        : base(env, RegistrationName, ctx)
    {
        if (Network.OutputLayer.Activation != Engine.Activation.Identity)
            throw Host.ExceptDecode("Corrupt model file: a multi-output regression MLP needs identity outputs.");
        _labelMeans = ModelFormat.ReadFiniteSingles(Host, ctx, OutputCount, "the label means");
        _labelScales = ModelFormat.ReadFiniteSingles(Host, ctx, OutputCount, "the label scales");
        int bad = Array.FindIndex(_labelScales, scale => !(scale > 0));
        if (bad >= 0)
            throw Host.ExceptDecode($"Corrupt model file: label scale {bad} is {_labelScales[bad]}, expected a positive value.");
    }

    /// <summary>The number of outputs: the size of the label vector.</summary>
    public int OutputCount => Network.OutputCount;

    /// <summary>The mean of each training label entry; the network predicts (label_j − LabelMeans[j]) / LabelScales[j].</summary>
    public IReadOnlyList<float> LabelMeans => _labelMeans;

    /// <summary>The standard deviation of each training label entry (1 for an entry that was constant).</summary>
    public IReadOnlyList<float> LabelScales => _labelScales;

    /// <inheritdoc/>
    protected override PredictionKind PredictionKind => PredictionKind.MultiOutputRegression;

    ISchemaBoundMapper ISchemaBindableMapper.Bind(IHostEnvironment env, RoleMappedSchema schema) =>
        new VectorOutputRowMapper(env, this, schema, AnnotationUtils.Const.ScoreColumnKind.MultiOutputRegression, Columns, FeatureCount, OutputCount, ComputeScores);

    private void ComputeScores(in VBuffer<float> features, Span<float> dense, Span<float> scores)
    {
        Predict(Ensemble, features, dense, scores);
        for (int j = 0; j < scores.Length; j++)
            scores[j] = LabelStandardization.ToLabelScale(scores[j], _labelScales[j], _labelMeans[j]);
    }

    bool ICanSaveOnnx.CanSaveOnnx(OnnxContext ctx) => true;

    // Multiply, then add, as ComputeScores does, so that both round alike.
    bool IBindableCanSaveOnnx.SaveAsOnnx(OnnxContext ctx, RoleMappedSchema schema, string[] outputNames) =>
        VectorOutputOnnxExport.Save(ctx, schema, outputNames, Columns,
            (graph, features) => graph.Add(graph.Multiply(AddForwardPass(graph, Ensemble, features), _labelScales), _labelMeans));

    /// <inheritdoc/>
    protected override void SaveCore(ModelSaveContext ctx)
    {
        ctx.SetVersionInfo(GetVersionInfo());
        base.SaveCore(ctx);
        foreach (float mean in _labelMeans)
            ctx.Writer.Write(mean);
        foreach (float scale in _labelScales)
            ctx.Writer.Write(scale);
    }

    private static VersionInfo GetVersionInfo() => ModelFormat.VersionInfoFor("MLPMOREG", LoaderSignature);

    internal static MlpMultiOutputModelParameters Create(IHostEnvironment env, ModelLoadContext ctx) =>
        ModelFormat.Read(env, ctx, RegistrationName, GetVersionInfo(), "multi-output regression MLP model", () => new MlpMultiOutputModelParameters(env, ctx));
}
