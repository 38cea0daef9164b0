using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers;
using MlNet.Mlp.Engine;
using MlNet.Mlp.Trainers;

namespace MlNet.Mlp;

/// <summary>
/// Trains a multilayer perceptron for multiclass classification: hidden layers, then one softmax output per class.
/// </summary>
/// <remarks>
/// <para>Create it with <c>mlContext.MulticlassClassification.Trainers.Mlp(...)</c>. Input: a key-typed label (use
/// <c>MapValueToKey</c>) and a known-size vector of Single features (normalise them first).</para>
/// <para>Output: <c>Score</c> (the vector of class probabilities) and <c>PredictedLabel</c> (a key with the label's
/// key values; <c>MapKeyToValue</c> turns it back).</para>
/// </remarks>
public sealed class MlpMulticlassTrainer : MlpTrainerBase<MulticlassPredictionTransformer<MlpMulticlassModelParameters>, MlpMulticlassModelParameters, MlpMulticlassTrainer.Options>
{
    /// <summary>Options of <see cref="MlpMulticlassTrainer"/>.</summary>
    public sealed class Options : MlpOptionsBase
    {
        /// <summary>The loss: cross-entropy of the softmax output, or the notes' squared error against the one-hot label. Default <see cref="MlpLoss.CrossEntropy"/>.</summary>
        public MlpLoss Loss = MlpLoss.CrossEntropy;

        /// <summary>
        /// What early stopping and the best epoch are judged by: the validation loss, or the validation accuracy (at
        /// equal accuracy a lower loss counts as an improvement). Default Accuracy.
        /// </summary>
        public MlpEarlyStoppingMetric EarlyStoppingMetric = EngineEnums.ToPublic(TrainingDefaults.StoppingMetric);

        /// <summary>
        /// Label smoothing ε for the cross-entropy loss: the targets of K classes become (1 − ε)·y + ε/K (K = the number of classes).
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

    internal MlpMulticlassTrainer(IHostEnvironment env, Options options)
        : base(env, options, "MlpMulticlass", TrainerUtils.MakeU4ScalarColumn)
    {
    }

    /// <inheritdoc/>
    protected override PredictionKind PredictionKind => PredictionKind.MulticlassClassification;

    private protected override (LossFunction Loss, Activation OutputActivation) LossAndOutput =>
        (TrainerOptions.Loss == MlpLoss.CrossEntropy ? LossFunction.SoftmaxCrossEntropy : LossFunction.SquaredError, Activation.Softmax);

    private protected override int OutputCount(RoleMappedData data)
    {
        data.CheckMulticlassLabel(out int classCount);
        if (classCount < 2)
            throw Host.ExceptParam(nameof(data), $"Label column '{LabelColumn.Name}' has {classCount} class; multiclass classification needs at least 2.");
        if (classCount > TrainingDefaults.MaxLayerSize)
            throw Host.ExceptParam(nameof(data), $"Label column '{LabelColumn.Name}' has {classCount} classes, more than the {TrainingDefaults.MaxLayerSize} outputs supported.");
        return classCount;
    }

    private protected override (float[] Values, int Width) Targets(TrainingRows data, int outputCount, LabelStandardization standardization)
    {
        if (TrainerOptions.Loss == MlpLoss.CrossEntropy)
            return (data.Labels, 1);
        var oneHot = new float[(long)data.RowCount * outputCount];
        for (int row = 0; row < data.RowCount; row++)
        {
            int label = (int)data.Labels[row];
            if (label >= 0 && label < outputCount)
                oneHot[row * outputCount + label] = 1;
        }
        return (oneHot, outputCount);
    }

    private protected override MlpMulticlassModelParameters CreateModel(MlpEnsemble ensemble, IReadOnlyList<TrainingReport> reports,
        LabelStandardization standardization) => new(Host, ensemble, reports);

    // Labels are class indices here: 0/1 for binary, 0 … K − 1 for multiclass.
    private protected override double[]? ClassWeightsFor(TrainingRows training, int outputCount) =>
        TrainerOptions.ClassWeighting == MlpClassWeighting.Balanced
            ? ClassWeights.Balanced(training.Labels, training.RowCount, outputCount, training.Weights is { } w ? w.AsSpan(0, training.RowCount) : default)
            : null;

    /// <inheritdoc/>
    protected override void CheckLabelCompatible(SchemaShape.Column labelCol)
    {
        if (labelCol.Kind != SchemaShape.Column.VectorKind.Scalar || !labelCol.IsKey)
            throw Host.ExceptSchemaMismatch(nameof(labelCol), "label", LabelColumn.Name, "Key (use MapValueToKey)", labelCol.GetTypeString());
    }

    /// <inheritdoc/>
    protected override SchemaShape.Column[] GetOutputColumnsCore(SchemaShape inputSchema)
    {
        inputSchema.TryFindColumn(LabelColumn.Name, out SchemaShape.Column labelCol);
        var keyAnnotations = new SchemaShape(labelCol.Annotations.Where(a => a.Name == AnnotationUtils.Kinds.KeyValues)
            .Concat(AnnotationUtils.GetTrainerOutputAnnotation()));
        return
        [
            ScoreColumn(SchemaShape.Column.VectorKind.Vector, new SchemaShape(AnnotationUtils.AnnotationsForMulticlassScoreColumn(labelCol))),
            new SchemaShape.Column(DefaultColumnNames.PredictedLabel, SchemaShape.Column.VectorKind.Scalar, NumberDataViewType.UInt32, true, keyAnnotations),
        ];
    }

    /// <inheritdoc/>
    protected override MulticlassPredictionTransformer<MlpMulticlassModelParameters> MakeTransformer(MlpMulticlassModelParameters model, DataViewSchema trainSchema) =>
        new(Host, model, trainSchema, FeatureColumn.Name, LabelColumn.Name);
}
