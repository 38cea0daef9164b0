using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers;
using MlNet.Mlp.Engine;
using MlNet.Mlp.Trainers;

namespace MlNet.Mlp;

/// <summary>
/// Trains a multilayer perceptron for binary classification: hidden layers, then one sigmoid output.
/// </summary>
/// <remarks>
/// <para>Create it with <c>mlContext.BinaryClassification.Trainers.Mlp(...)</c>. Input: a Boolean label and a
/// known-size vector of Single features (normalise them first); an optional example-weight column. A label holding only
/// one class trains (the model predicts that class) with a warning in the log.</para>
/// <para>Output: <c>Score</c> (the output's logit), <c>Probability</c> (its sigmoid: calibrated by construction, so
/// <c>Evaluate</c> and <c>CrossValidate</c> work without a calibrator) and <c>PredictedLabel</c> (Score &gt; 0).</para>
/// </remarks>
public sealed class MlpBinaryTrainer : MlpTrainerBase<BinaryPredictionTransformer<MlpBinaryModelParameters>, MlpBinaryModelParameters, MlpBinaryTrainer.Options>
{
    /// <summary>Options of <see cref="MlpBinaryTrainer"/>.</summary>
    public sealed class Options : MlpOptionsBase
    {
        /// <summary>The loss: cross-entropy of the sigmoid output, or the notes' squared error. Default <see cref="MlpLoss.CrossEntropy"/>.</summary>
        public MlpLoss Loss = MlpLoss.CrossEntropy;

        /// <summary>
        /// What early stopping and the best epoch are judged by: the validation loss, or the validation accuracy (at
        /// equal accuracy a lower loss counts as an improvement). Default Accuracy.
        /// </summary>
        public MlpEarlyStoppingMetric EarlyStoppingMetric = EngineEnums.ToPublic(TrainingDefaults.StoppingMetric);

        /// <summary>
        /// Label smoothing ε for the cross-entropy loss: the targets of K classes become (1 − ε)·y + ε/K (K = 2: y becomes y·(1 − ε) + ε/2).
        /// Default 0. Range: [0, 1). Ignored with <see cref="MlpLoss.SquaredError"/>.
        /// </summary>
        public float LabelSmoothing = TrainingDefaults.LabelSmoothing;

        /// <summary>
        /// Weights per class that multiply the example weights, in training and in the validation figures:
        /// <see cref="MlpClassWeighting.Balanced"/> gives class c the weight n / (K·n_c) over the training set (n rows,
        /// weighted, K classes present, n_c of class c). Default <see cref="MlpClassWeighting.None"/>.
        /// </summary>
        public MlpClassWeighting ClassWeighting = MlpClassWeighting.None;

        private protected override MlpEarlyStoppingMetric StoppingMetric => EarlyStoppingMetric;

        private protected override float Smoothing => Loss == MlpLoss.CrossEntropy ? LabelSmoothing : 0f;

        internal override void Validate()
        {
            base.Validate();
            OptionChecks.Defined(Loss, nameof(Loss));
            OptionChecks.Defined(ClassWeighting, nameof(ClassWeighting));
        }
    }

    internal MlpBinaryTrainer(IHostEnvironment env, Options options)
        : base(env, options, "MlpBinary", TrainerUtils.MakeBoolScalarLabel)
    {
    }

    /// <inheritdoc/>
    protected override PredictionKind PredictionKind => PredictionKind.BinaryClassification;

    private protected override (LossFunction Loss, Activation OutputActivation) LossAndOutput =>
        (TrainerOptions.Loss == MlpLoss.CrossEntropy ? LossFunction.SigmoidCrossEntropy : LossFunction.SquaredError, Activation.Sigmoid);

    private protected override int OutputCount(RoleMappedData data) => 1;

    // Labels come as 1 (true) and 0 (false): the sigmoid output's targets for both losses.
    private protected override (float[] Values, int Width) Targets(TrainingRows data, int outputCount, LabelStandardization standardization) =>
        (data.Labels, 1);

    private protected override MlpBinaryModelParameters CreateModel(MlpEnsemble ensemble, IReadOnlyList<TrainingReport> reports,
        LabelStandardization standardization) => new(Host, ensemble, reports);

    private protected override void CheckTrainingLabels(IChannel channel, TrainingRows training)
    {
        if (training.SingleClassWarning(LabelColumn.Name) is { } singleClass)
            channel.Warning(singleClass);
    }

    // Labels are class indices here: 0/1 for binary, 0 … K − 1 for multiclass.
    private protected override double[]? ClassWeightsFor(TrainingRows training, int outputCount) =>
        TrainerOptions.ClassWeighting == MlpClassWeighting.Balanced
            ? ClassWeights.Balanced(training.Labels, training.RowCount, 2, training.Weights is { } w ? w.AsSpan(0, training.RowCount) : default)
            : null;

    /// <inheritdoc/>
    protected override void CheckLabelCompatible(SchemaShape.Column labelCol)
    {
        if (labelCol.Kind != SchemaShape.Column.VectorKind.Scalar || labelCol.ItemType != BooleanDataViewType.Instance)
            throw Host.ExceptSchemaMismatch(nameof(labelCol), "label", LabelColumn.Name, "Boolean", labelCol.GetTypeString());
    }

    /// <inheritdoc/>
    protected override SchemaShape.Column[] GetOutputColumnsCore(SchemaShape inputSchema) =>
    [
        ScoreColumn(SchemaShape.Column.VectorKind.Scalar),
        new SchemaShape.Column(DefaultColumnNames.Probability, SchemaShape.Column.VectorKind.Scalar, NumberDataViewType.Single, false,
            new SchemaShape(AnnotationUtils.GetTrainerOutputAnnotation(true))),
        new SchemaShape.Column(DefaultColumnNames.PredictedLabel, SchemaShape.Column.VectorKind.Scalar, BooleanDataViewType.Instance, false,
            new SchemaShape(AnnotationUtils.GetTrainerOutputAnnotation())),
    ];

    /// <inheritdoc/>
    protected override BinaryPredictionTransformer<MlpBinaryModelParameters> MakeTransformer(MlpBinaryModelParameters model, DataViewSchema trainSchema) =>
        new(Host, model, trainSchema, FeatureColumn.Name);
}
