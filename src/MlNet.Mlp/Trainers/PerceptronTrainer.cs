using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers;
using MlNet.Mlp.Engine;
using MlNet.Mlp.Kernels;
using MlNet.Mlp.Trainers;

namespace MlNet.Mlp;

/// <summary>
/// Trains the classic perceptron of the course notes for binary classification: y = sign(W·X + b), updated with
/// W ← W + η(Y − y)X in pattern mode (one example at a time) or batch mode. By default the model holds the average
/// of the weights over every update step (<see cref="Options.AverageWeights"/>). In training a row on the boundary
/// (W·X + b = 0) counts as a mistake whatever its label, as in the perceptron criterion; the model predicts the
/// negative class there.
/// </summary>
/// <remarks>
/// <para>Create it with <c>mlContext.BinaryClassification.Trainers.Perceptron(...)</c>.</para>
/// <para>Trainer characteristics: machine learning task binary classification; normalisation needed: yes;
/// caching needed: no (the trainer reads the data once into memory, keeping sparse features sparse); required
/// NuGet: MlNet.Mlp.</para>
/// <para>Input: a Boolean label column and a known-size vector of <see cref="float"/> features; an optional
/// float example-weight column. Output: <c>Score</c> (W·X + b, not a probability) and <c>PredictedLabel</c>
/// (Score &gt; 0). Like ML.NET's AveragedPerceptron it produces no <c>Probability</c>: append
/// <c>mlContext.BinaryClassification.Calibrators.Platt()</c> when one is needed.</para>
/// <para>Rows with NaN or infinite features are skipped and counted in the log. A label holding only one class trains
/// (the model predicts that class) with a warning in the log. Unlike ML.NET's
/// AveragedPerceptron, the example weight multiplies each update.</para>
/// </remarks>
public sealed class PerceptronTrainer
    : TrainerEstimatorBase<BinaryPredictionTransformer<PerceptronModelParameters>, PerceptronModelParameters>
{
    internal const string LoadName = "MlNetMlpPerceptron";

    /// <summary>Options of <see cref="PerceptronTrainer"/>. Every default works on normalised features.</summary>
    public sealed class Options
    {
        /// <summary>Name of the Boolean label column. Default <c>"Label"</c>.</summary>
        public string LabelColumnName = DefaultColumnNames.Label;

        /// <summary>Name of the feature column, a known-size vector of Single. Default <c>"Features"</c>.</summary>
        public string FeatureColumnName = DefaultColumnNames.Features;

        /// <summary>Name of the optional example-weight column (Single, positive); null for none. Default null.</summary>
        public string? ExampleWeightColumnName;

        /// <summary>The learning rate η in W ← W + η(Y − y)X. Default 1. Range: &gt; 0 and finite.</summary>
        /// <remarks>With zero initial weights η only scales the weights, so it does not change the predictions.</remarks>
        public float LearningRate = PerceptronDefaults.LearningRate;

        /// <summary>The maximum number of passes over the training set. Default 100. Range: ≥ 1.</summary>
        public int NumberOfIterations = PerceptronDefaults.NumberOfIterations;

        /// <summary>
        /// Examples per update: 1 is pattern mode (update after each example), n &gt; 1 sums the updates of n examples
        /// computed with the same weights, 0 uses the whole training set per update (batch mode). Default 1. Range: ≥ 0.
        /// </summary>
        public int BatchSize = 1;

        /// <summary>Whether to shuffle the training set before every pass (seeded). Default true.</summary>
        public bool Shuffle = true;

        /// <summary>
        /// Training stops when the total loss Σ ω(Y − y)² of a pass's weights (averaged ones with
        /// <see cref="AverageWeights"/>) is at or below this, a row on the boundary counting as a mistake (Y − y = 2Y).
        /// Default 0 (stop when they put every training row strictly on its side). Range: ≥ 0 and finite.
        /// </summary>
        public double LossThreshold;

        /// <summary>
        /// Initial weights and bias are drawn uniformly from [−d/2, d/2]; 0 starts from zeros. Default 0. Range: ≥ 0 and finite.
        /// </summary>
        public float InitialWeightsDiameter;

        /// <summary>
        /// Whether the weights a pass ends with are the average of the weights after every update step so far (every
        /// example in pattern mode, every batch in batch mode) rather than the latest ones, as in ML.NET's
        /// AveragedPerceptron. On data that is not linearly separable the latest weights swing with the last few
        /// updates; their average does not, and it generalised as well or better on every data set we tried
        /// (docs/benchmarks.md).
        /// The loss, <see cref="LossThreshold"/> and <see cref="KeepBestWeights"/> then judge the averaged weights.
        /// Continuing training from a model starts a fresh average from its weights. Default true; false gives the
        /// plain perceptron of the course notes.
        /// </summary>
        public bool AverageWeights = true;

        /// <summary>
        /// Whether to return the weights of the pass with the lowest training loss (Gallant's "pocket" perceptron)
        /// rather than those of the last pass. Without averaging, the last pass's weights on data that is not
        /// linearly separable depend on where training happened to stop, and the pocket keeps the best seen.
        /// Default false.
        /// </summary>
        public bool KeepBestWeights;

        /// <summary>Seed for shuffling and initial weights; null takes one from the MLContext's seed. Default null.</summary>
        public int? Seed;

        /// <summary>A copy that later changes to this object do not reach (every option is a value or a string).</summary>
        internal Options Copy() => (Options)MemberwiseClone();

        internal void Validate()
        {
            OptionChecks.ColumnName(LabelColumnName, nameof(LabelColumnName));
            OptionChecks.ColumnName(FeatureColumnName, nameof(FeatureColumnName));
            if (ExampleWeightColumnName is not null)
                OptionChecks.ColumnName(ExampleWeightColumnName, nameof(ExampleWeightColumnName));
            OptionChecks.Positive(LearningRate, nameof(LearningRate));
            OptionChecks.AtLeast(NumberOfIterations, 1, nameof(NumberOfIterations));
            OptionChecks.AtLeast(BatchSize, 0, nameof(BatchSize));
            OptionChecks.NonNegative(LossThreshold, nameof(LossThreshold));
            OptionChecks.NonNegative(InitialWeightsDiameter, nameof(InitialWeightsDiameter));
        }
    }

    private readonly Options _options;
    private readonly IHostEnvironment _environment;

    internal PerceptronTrainer(IHostEnvironment env, Options options)
        : this(ValidatedSnapshot(options), env)
    {
    }

    // Takes the trainer's validated copy of the options (see ValidatedSnapshot).
    private PerceptronTrainer(Options options, IHostEnvironment env)
        : base(Contracts.CheckRef(env, nameof(env)).Register(LoadName),
            TrainerUtils.MakeR4VecFeature(options.FeatureColumnName),
            TrainerUtils.MakeBoolScalarLabel(options.LabelColumnName),
            TrainerUtils.MakeR4ScalarWeightColumn(options.ExampleWeightColumnName))
    {
        _options = options;
        _environment = env;
        Info = new TrainerInfo(normalization: true, caching: false, supportIncrementalTrain: true);
    }

    /// <inheritdoc/>
    public override TrainerInfo Info { get; }

    /// <inheritdoc/>

    protected override PredictionKind PredictionKind => PredictionKind.BinaryClassification;

    /// <summary>Continues training from <paramref name="modelParameters"/> on <paramref name="trainData"/>.</summary>
    public BinaryPredictionTransformer<PerceptronModelParameters> Fit(IDataView trainData, PerceptronModelParameters modelParameters)
    {
        Host.CheckValue(modelParameters, nameof(modelParameters));
        return TrainTransformer(trainData, initPredictor: modelParameters);
    }

    /// <summary>What errors about the model to continue from call it: the name of Fit's parameter that takes it.</summary>
    private const string ModelParametersParameter = "modelParameters";

    /// <summary>
    /// The trainer's own copy of <paramref name="options"/>, checked: changing the options object after creating the
    /// trainer (in a sweep, say) neither skips the checks nor half-applies, the column names having been bound already.
    /// </summary>
    private static Options ValidatedSnapshot(Options options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var snapshot = options.Copy();
        snapshot.Validate();
        return snapshot;
    }

    /// <inheritdoc/>

    protected override SchemaShape.Column[] GetOutputColumnsCore(SchemaShape inputSchema) =>
    [
        new SchemaShape.Column(DefaultColumnNames.Score, SchemaShape.Column.VectorKind.Scalar, NumberDataViewType.Single, false,
            new SchemaShape(AnnotationUtils.GetTrainerOutputAnnotation())),
        new SchemaShape.Column(DefaultColumnNames.PredictedLabel, SchemaShape.Column.VectorKind.Scalar, BooleanDataViewType.Instance, false,
            new SchemaShape(AnnotationUtils.GetTrainerOutputAnnotation())),
    ];

    /// <inheritdoc/>

    protected override void CheckLabelCompatible(SchemaShape.Column labelCol)
    {
        if (labelCol.Kind != SchemaShape.Column.VectorKind.Scalar || labelCol.ItemType != BooleanDataViewType.Instance)
        {
            throw Host.ExceptSchemaMismatch(nameof(labelCol), "label", LabelColumn.Name, "Boolean",
                labelCol.GetTypeString());
        }
    }

    /// <inheritdoc/>

    protected override PerceptronModelParameters TrainModelCore(TrainContext context)
    {
        Host.CheckValue(context, nameof(context));
        RoleMappedData data = context.TrainingSet;
        data.CheckFeatureFloatVector(out int featureCount);
        var initial = context.InitialPredictor as PerceptronModelParameters;
        Host.CheckParam(context.InitialPredictor is null || initial is not null, ModelParametersParameter,
            "The model to continue from is not a PerceptronModelParameters.");
        if (initial is not null && initial.FeatureCount != featureCount)
        {
            throw Host.ExceptParam(ModelParametersParameter,
                $"The model to continue from has {initial.FeatureCount} features, but feature column '{FeatureColumn.Name}' has {featureCount}.");
        }

        // A host per Fit, registered on the context: CancelExecution cancels it, and the next Fit gets a fresh one.
        IHost fitHost = _environment.Register(LoadName + ".Fit", seed: 0);
        using IChannel channel = Host.Start("Training");
        // Sparse features (FeaturizeText, OneHotEncoding) stay sparse: the perceptron's dot products and updates
        // then touch only stored values, and a 100,000-feature text set does not become a dense copy. Dense features
        // that are whole steps (8-bit pixels, indicators, counts) are kept as one byte a value: every pass then reads
        // a quarter of the memory, and a set of tens of megabytes of floats stays in the last-level cache.
        using TrainingRows training = TrainingRows.Read(fitHost, channel, data, featureCount, allowSparse: true, allowQuantized: true);
        if (training.SingleClassWarning(LabelColumn.Name) is { } singleClass)
            channel.Warning(singleClass);
        float[] signs = new float[training.RowCount];
        for (int i = 0; i < signs.Length; i++)
            signs[i] = training.Labels[i] > 0 ? 1f : -1f;

        var settings = new PerceptronLearnerSettings(_options.LearningRate, _options.NumberOfIterations, _options.BatchSize,
            _options.Shuffle, _options.LossThreshold, _options.InitialWeightsDiameter, _options.Seed ?? Host.Rand.Next(), _options.KeepBestWeights,
            _options.AverageWeights);
        if (training.SparseFeatures is { } kept)
        {
            long stored = kept.RowStarts[kept.RowCount];
            channel.Info($"Perceptron: feature column '{FeatureColumn.Name}' kept sparse: {stored} stored values in {kept.RowCount} rows " +
                $"of {featureCount} features ({100.0 * stored / ((double)kept.RowCount * featureCount):G3}% of a dense copy).");
        }
        if (training.QuantizedFeatures is { } coded)
        {
            channel.Info($"Perceptron: feature column '{FeatureColumn.Name}' kept as one byte a value: every value is a whole number " +
                $"of steps of {coded.Step:G9}, from 0 to {QuantizedVector.MaxCode}.");
        }
        PerceptronResult result = training switch
        {
            { SparseFeatures: { } sparse } => PerceptronLearner.Train(settings, sparse, signs, training.Weights,
                initial?.Weights.ToArray(), initial?.Bias ?? 0f, fitHost.CheckAlive),
            { QuantizedFeatures: { } quantized } => PerceptronLearner.Train(settings, quantized, signs, training.Weights,
                initial?.Weights.ToArray(), initial?.Bias ?? 0f, fitHost.CheckAlive),
            _ => PerceptronLearner.Train(settings, training.Features, featureCount, training.RowCount,
                signs, training.Weights, initial?.Weights.ToArray(), initial?.Bias ?? 0f, fitHost.CheckAlive),
        };

        if (!result.Weights.All(float.IsFinite) || !float.IsFinite(result.Bias))
        {
            throw Host.Except("The perceptron's weights became NaN or infinite. Normalise the features " +
                "(e.g. NormalizeMeanVariance) or lower the LearningRate.");
        }
        channel.Info($"Perceptron: {result.LossPerIteration.Length} iterations on {training.RowCount} rows; " +
            $"last loss {result.LossPerIteration[^1]}; converged: {result.Converged}; returned the weights of iteration {result.BestIteration}.");
        return new PerceptronModelParameters(Host, result.Weights, result.Bias,
            new PerceptronTrainingReport(result.LossPerIteration, result.Converged, result.BestIteration));
    }

    /// <inheritdoc/>

    protected override BinaryPredictionTransformer<PerceptronModelParameters> MakeTransformer(
        PerceptronModelParameters model, DataViewSchema trainSchema) =>
        new(Host, model, trainSchema, FeatureColumn.Name);
}

/// <summary>Defaults shared by both <c>Perceptron</c> catalog overloads and <see cref="PerceptronTrainer.Options"/>.</summary>
internal static class PerceptronDefaults
{
    public const float LearningRate = 1f;
    public const int NumberOfIterations = 100;
}
