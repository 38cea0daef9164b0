using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers;
using MlNet.Mlp.Engine;
using MlNet.Mlp.Trainers;

namespace MlNet.Mlp;

/// <summary>
/// Trains a multilayer perceptron for multi-label classification: hidden layers, then one sigmoid output per label
/// entry (the course notes' two-output network is one).
/// </summary>
/// <remarks>
/// <para>Create it with <c>mlContext.BinaryClassification.Trainers.MlpMultiLabel(...)</c>. Input: a label that is a
/// known-size vector of K Booleans, and a known-size vector of Single features. A label entry that is the same in
/// every training row trains (its output learns that value) with a warning naming the entry.</para>
/// <para>Output: <c>Score</c> (the K logits), <c>Probability</c> (their sigmoids) and <c>PredictedLabel</c> (true where
/// the probability exceeds 0.5), each a vector of K values. Evaluate with
/// <c>mlContext.BinaryClassification.EvaluateMultiLabel</c>.</para>
/// </remarks>
public sealed class MlpMultiLabelTrainer
    : MlpTrainerBase<MultiOutputPredictionTransformer<MlpMultiLabelModelParameters>, MlpMultiLabelModelParameters, MlpMultiLabelTrainer.Options>
{
    /// <summary>Options of <see cref="MlpMultiLabelTrainer"/>.</summary>
    public sealed class Options : MlpOptionsBase
    {
        /// <summary>
        /// The loss: the sum over the labels of each sigmoid output's cross-entropy, or the notes' squared error
        /// ½ Σ_j (Y_j − o_j)² between the 0/1 labels and the sigmoid outputs. Default <see cref="MlpLoss.CrossEntropy"/>.
        /// </summary>
        public MlpLoss Loss = MlpLoss.CrossEntropy;

        internal override void Validate()
        {
            base.Validate();
            OptionChecks.Defined(Loss, nameof(Loss));
        }
    }

    internal MlpMultiLabelTrainer(IHostEnvironment env, Options options)
        : base(env, options, "MlpMultiLabel", label => new SchemaShape.Column(label,
            SchemaShape.Column.VectorKind.Vector, BooleanDataViewType.Instance, false))
    {
    }

    /// <inheritdoc/>
    protected override PredictionKind PredictionKind => PredictionKind.Custom;

    private protected override (LossFunction Loss, Activation OutputActivation) LossAndOutput =>
        (TrainerOptions.Loss == MlpLoss.CrossEntropy ? LossFunction.SigmoidCrossEntropy : LossFunction.SquaredError, Activation.Sigmoid);

    private protected override int OutputCount(RoleMappedData data) => VectorLabel.Size(Host, data, BooleanDataViewType.Instance);

    // Label entries come as 1 (true) and 0 (false): the sigmoid outputs' targets for both losses.
    private protected override (float[] Values, int Width) Targets(TrainingRows data, int outputCount, LabelStandardization standardization) =>
        (data.Labels, data.LabelWidth);

    private protected override MlpMultiLabelModelParameters CreateModel(MlpEnsemble ensemble, IReadOnlyList<TrainingReport> reports,
        LabelStandardization standardization) => new(Host, ensemble, reports);

    private protected override void CheckTrainingLabels(IChannel channel, TrainingRows training)
    {
        int width = training.LabelWidth;
        for (int j = 0; j < width; j++)
        {
            int positives = 0;
            for (int row = 0; row < training.RowCount; row++)
                positives += training.Labels[row * width + j] > 0 ? 1 : 0;
            if (positives == 0 || positives == training.RowCount)
            {
                string only = positives == 0 ? "false" : "true";
                channel.Warning($"Label column '{LabelColumn.Name}' entry {j} is {only} in all {training.RowCount} training rows: " +
                    $"output {j} will predict {only} for everything.");
            }
        }
    }

    /// <inheritdoc/>
    protected override void CheckLabelCompatible(SchemaShape.Column labelCol) => VectorLabel.CheckCompatible(Host, labelCol, BooleanDataViewType.Instance);

    /// <inheritdoc/>
    protected override SchemaShape.Column[] GetOutputColumnsCore(SchemaShape inputSchema) =>
    [
        ScoreColumn(SchemaShape.Column.VectorKind.Vector),
        new SchemaShape.Column(DefaultColumnNames.Probability, SchemaShape.Column.VectorKind.Vector, NumberDataViewType.Single, false,
            new SchemaShape(AnnotationUtils.GetTrainerOutputAnnotation(true))),
        new SchemaShape.Column(DefaultColumnNames.PredictedLabel, SchemaShape.Column.VectorKind.Vector, BooleanDataViewType.Instance, false,
            new SchemaShape(AnnotationUtils.GetTrainerOutputAnnotation())),
    ];

    /// <inheritdoc/>
    protected override MultiOutputPredictionTransformer<MlpMultiLabelModelParameters> MakeTransformer(MlpMultiLabelModelParameters model,
        DataViewSchema trainSchema) => new(Host, model, trainSchema, FeatureColumn.Name);
}
