using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers;
using MlNet.Mlp.Engine;
using MlNet.Mlp.Trainers;

namespace MlNet.Mlp;

/// <summary>
/// Trains a multilayer perceptron for multi-output regression: hidden layers, then one identity output per label
/// entry, squared error ½ Σ_j (Y_j − o_j)².
/// </summary>
/// <remarks>
/// <para>Create it with <c>mlContext.Regression.Trainers.MlpMultiOutput(...)</c>. Input: a label that is a known-size
/// vector of K Singles, and a known-size vector of Single features. Output: <c>Score</c>, a vector of K Singles.</para>
/// <para>The network learns each standardised label entry (label_j − mean_j) / standard deviation_j, so the defaults
/// work whatever the entries' scales; the model maps its outputs back (see <see cref="MlpMultiOutputModelParameters"/>).
/// Evaluate with <c>mlContext.Regression.EvaluateMultiOutput</c>.</para>
/// </remarks>
public sealed class MlpMultiOutputRegressionTrainer
    : MlpTrainerBase<MultiOutputPredictionTransformer<MlpMultiOutputModelParameters>, MlpMultiOutputModelParameters, MlpMultiOutputRegressionTrainer.Options>
{
    /// <summary>Options of <see cref="MlpMultiOutputRegressionTrainer"/>. The loss is the notes' squared error summed over the outputs.</summary>
    public sealed class Options : MlpOptionsBase
    {
    }

    internal MlpMultiOutputRegressionTrainer(IHostEnvironment env, Options options)
        : base(env, options, "MlpMultiOutputRegression", label => new SchemaShape.Column(label,
            SchemaShape.Column.VectorKind.Vector, NumberDataViewType.Single, false))
    {
    }

    /// <inheritdoc/>
    protected override PredictionKind PredictionKind => PredictionKind.MultiOutputRegression;

    private protected override (LossFunction Loss, Activation OutputActivation) LossAndOutput => (LossFunction.SquaredError, Activation.Identity);

    private protected override int OutputCount(RoleMappedData data) => VectorLabel.Size(Host, data, NumberDataViewType.Single);

    private protected override LabelStandardization StandardizationFor(TrainingRows training, MlpMultiOutputModelParameters? initialModel) =>
        initialModel is null ? LabelStandardization.Fit(training) : new([.. initialModel.LabelMeans], [.. initialModel.LabelScales]);

    private protected override (float[] Values, int Width) Targets(TrainingRows data, int outputCount, LabelStandardization standardization) =>
        (standardization.Targets(data), data.LabelWidth);

    private protected override MlpMultiOutputModelParameters CreateModel(MlpEnsemble ensemble, IReadOnlyList<TrainingReport> reports,
        LabelStandardization standardization) => new(Host, ensemble, reports, standardization.Means, standardization.Scales);

    /// <inheritdoc/>
    protected override void CheckLabelCompatible(SchemaShape.Column labelCol) => VectorLabel.CheckCompatible(Host, labelCol, NumberDataViewType.Single);

    /// <inheritdoc/>
    protected override SchemaShape.Column[] GetOutputColumnsCore(SchemaShape inputSchema) => [ScoreColumn(SchemaShape.Column.VectorKind.Vector)];

    /// <inheritdoc/>
    protected override MultiOutputPredictionTransformer<MlpMultiOutputModelParameters> MakeTransformer(MlpMultiOutputModelParameters model,
        DataViewSchema trainSchema) => new(Host, model, trainSchema, FeatureColumn.Name);
}
