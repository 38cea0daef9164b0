using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers;
using MlNet.Mlp.Engine;
using MlNet.Mlp.Trainers;

namespace MlNet.Mlp;

/// <summary>
/// Trains a multilayer perceptron for regression: hidden layers, then one identity output, squared error.
/// </summary>
/// <remarks>
/// <para>Create it with <c>mlContext.Regression.Trainers.Mlp(...)</c>. Input: a Single label and a known-size
/// vector of Single features (normalise them first). Output: <c>Score</c>.</para>
/// <para>The network learns the standardised label (label − mean) / standard deviation, so the defaults work
/// whatever the label's scale; the model maps its output back (see <see cref="MlpRegressionModelParameters"/>).</para>
/// </remarks>
public sealed class MlpRegressionTrainer : MlpTrainerBase<RegressionPredictionTransformer<MlpRegressionModelParameters>, MlpRegressionModelParameters, MlpRegressionTrainer.Options>
{
    /// <summary>Options of <see cref="MlpRegressionTrainer"/>. The loss is the notes' squared error ½(Y − o)².</summary>
    public sealed class Options : MlpOptionsBase
    {
    }

    internal MlpRegressionTrainer(IHostEnvironment env, Options options)
        : base(env, options, "MlpRegression", TrainerUtils.MakeR4ScalarColumn)
    {
    }

    /// <inheritdoc/>
    protected override PredictionKind PredictionKind => PredictionKind.Regression;

    private protected override (LossFunction Loss, Activation OutputActivation) LossAndOutput => (LossFunction.SquaredError, Activation.Identity);

    private protected override int OutputCount(RoleMappedData data)
    {
        data.CheckRegressionLabel();
        return 1;
    }

    private protected override LabelStandardization StandardizationFor(TrainingRows training, MlpRegressionModelParameters? initialModel) =>
        initialModel is null ? LabelStandardization.Fit(training) : new([initialModel.LabelMean], [initialModel.LabelScale]);

    private protected override (float[] Values, int Width) Targets(TrainingRows data, int outputCount, LabelStandardization standardization) =>
        (standardization.Targets(data), 1);

    private protected override MlpRegressionModelParameters CreateModel(MlpEnsemble ensemble, IReadOnlyList<TrainingReport> reports,
        LabelStandardization standardization) => new(Host, ensemble, reports, standardization.Means[0], standardization.Scales[0]);

    /// <inheritdoc/>
    protected override void CheckLabelCompatible(SchemaShape.Column labelCol)
    {
        if (labelCol.Kind != SchemaShape.Column.VectorKind.Scalar || labelCol.ItemType != NumberDataViewType.Single)
            throw Host.ExceptSchemaMismatch(nameof(labelCol), "label", LabelColumn.Name, "Single", labelCol.GetTypeString());
    }

    /// <inheritdoc/>
    protected override SchemaShape.Column[] GetOutputColumnsCore(SchemaShape inputSchema) => [ScoreColumn(SchemaShape.Column.VectorKind.Scalar)];

    /// <inheritdoc/>
    protected override RegressionPredictionTransformer<MlpRegressionModelParameters> MakeTransformer(MlpRegressionModelParameters model, DataViewSchema trainSchema) =>
        new(Host, model, trainSchema, FeatureColumn.Name);
}
