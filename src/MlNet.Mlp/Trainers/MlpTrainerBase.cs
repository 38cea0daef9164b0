using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers;
using MlNet.Mlp.Engine;
using MlNet.Mlp.Trainers;

namespace MlNet.Mlp;

/// <summary>
/// What the five MLP trainers share: reading the data, building the network, running the engine and reporting.
/// The derived trainers say only what differs per task: the label, the outputs, the loss and the model type.
/// </summary>
public abstract class MlpTrainerBase<TTransformer, TModel, TOptions> : TrainerEstimatorBase<TTransformer, TModel>
    where TTransformer : ISingleFeaturePredictionTransformer<TModel>
    where TModel : MlpModelParameters
    where TOptions : MlpOptionsBase
{
    private protected readonly TOptions TrainerOptions;
    private readonly IHostEnvironment _environment;

    private protected MlpTrainerBase(IHostEnvironment env, TOptions options, string name, Func<string, SchemaShape.Column> labelColumn)
        : this(ValidatedSnapshot(options), env, name, labelColumn)
    {
    }

    // Takes the trainer's validated copy of the options. The label column is made from its name only after the options
    // are validated, so that an empty LabelColumnName gets the option's own error rather than ML.NET's.
    private MlpTrainerBase(TOptions options, IHostEnvironment env, string name, Func<string, SchemaShape.Column> labelColumn)
        : base(Contracts.CheckRef(env, nameof(env)).Register(name),
            TrainerUtils.MakeR4VecFeature(options.FeatureColumnName),
            labelColumn(options.LabelColumnName),
            TrainerUtils.MakeR4ScalarWeightColumn(options.ExampleWeightColumnName))
    {
        TrainerOptions = options;
        _environment = env;
        Info = new TrainerInfo(normalization: true, caching: false, supportValid: true, supportIncrementalTrain: true);
    }

    /// <inheritdoc/>
    public override TrainerInfo Info { get; }

    /// <summary>
    /// Trains with <paramref name="validationData"/> as the early-stopping set instead of a split of
    /// <paramref name="trainData"/> (its loss is reported every epoch).
    /// </summary>
    public TTransformer Fit(IDataView trainData, IDataView validationData)
    {
        Host.CheckValue(validationData, nameof(validationData));
        return TrainTransformer(trainData, validationSet: validationData);
    }

    /// <summary>Continues training from <paramref name="modelParameters"/> (same features, outputs and task).</summary>
    public TTransformer Fit(IDataView trainData, MlpModelParameters modelParameters)
    {
        Host.CheckValue(modelParameters, nameof(modelParameters));
        return TrainTransformer(trainData, initPredictor: modelParameters);
    }

    /// <summary>The trainer's own copy of <paramref name="options"/>, checked (<see cref="MlpOptionsBase.Copy"/>).</summary>
    private static TOptions ValidatedSnapshot(TOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var snapshot = (TOptions)options.Copy();
        snapshot.Validate();
        return snapshot;
    }

    /// <summary>The engine's loss and the output layer's activation for this task.</summary>
    private protected abstract (LossFunction Loss, Activation OutputActivation) LossAndOutput { get; }

    /// <summary>The number of outputs, from the label column's type (multiclass) or 1.</summary>
    private protected abstract int OutputCount(RoleMappedData data);

    /// <summary>
    /// How labels map to network targets, fixed once per Fit from the training set (or the model continued from) so
    /// that training and validation targets share it. Only regression standardises; classification keeps (0, 1).
    /// </summary>
    private protected virtual LabelStandardization StandardizationFor(TrainingRows training, TModel? initialModel) => LabelStandardization.None;

    /// <summary>Warns about training labels that will give a useless model (e.g. a single class). Nothing by default.</summary>
    private protected virtual void CheckTrainingLabels(IChannel channel, TrainingRows training)
    {
    }

    /// <summary>
    /// The weight of each class (index = class) that multiplies the example weights of training and validation rows,
    /// from the training rows; null for none. Only classification trainers weigh classes.
    /// </summary>
    private protected virtual double[]? ClassWeightsFor(TrainingRows training, int outputCount) => null;

    /// <summary>Engine targets from the labels read by <see cref="TrainingRows"/>.</summary>
    private protected abstract (float[] Values, int Width) Targets(TrainingRows data, int outputCount, LabelStandardization standardization);

    /// <summary>Wraps the trained networks (one per ensemble member) as this task's model.</summary>
    private protected abstract TModel CreateModel(MlpEnsemble ensemble, IReadOnlyList<TrainingReport> reports, LabelStandardization standardization);

    /// <inheritdoc/>
    protected override TModel TrainModelCore(TrainContext context)
    {
        Host.CheckValue(context, nameof(context));
        RoleMappedData trainSet = context.TrainingSet;
        trainSet.CheckFeatureFloatVector(out int featureCount);
        int outputCount = OutputCount(trainSet);
        TModel? initial = CheckInitialModel(context.InitialPredictor, featureCount, outputCount);

        // A host per Fit, registered on the context: CancelExecution cancels it, and the next Fit gets a fresh one.
        IHost fitHost = _environment.Register(GetType().Name + ".Fit", seed: 0);
        using IChannel channel = Host.Start("Training");
        if (initial is not null)
            WarnOfOptionsTheModelOverrides(channel, initial);
        using TrainingRows training = TrainingRows.Read(fitHost, channel, trainSet, featureCount);
        CheckTrainingLabels(channel, training);
        LabelStandardization standardization = StandardizationFor(training, initial);
        double[]? classWeights = ClassWeightsFor(training, outputCount);
        TrainingData engineTraining = ToEngineData(training, outputCount, standardization, classWeights, "training");
        TrainingData? engineValidation = context.ValidationSet is { } validationSet
            ? ReadValidation(fitHost, channel, validationSet, featureCount, outputCount, standardization, classWeights)
            : null;

        int seed = TrainerOptions.Seed ?? Host.Rand.Next();
        TrainingOptions engineOptions = EngineOptions(channel, LossAndOutput.Loss, seed, engineTraining, outputCount, engineValidation is not null);
        var scaling = InputScalingPlan.Create(EngineEnums.ToEngine(TrainerOptions.FeatureScaling), engineTraining, training.ArrivedSparse,
            initial, channel, FeatureColumn.Name, engineOptions.ThreadCount);
        scaling.Apply(engineTraining);
        if (engineValidation is not null)
            scaling.Apply(engineValidation);

        MlpNetwork[] starts = initial is not null
            ? initial.Ensemble.Members.Select(scaling.ToTrainingSpace).ToArray()
            : Enumerable.Range(0, TrainerOptions.EnsembleSize).Select(k => CreateNetwork(featureCount, outputCount, MemberSeed(seed, k))).ToArray();
        channel.Info($"MLP {string.Join("-", new[] { featureCount }.Concat(starts[0].Layers.Select(l => l.OutputCount)))}" +
            $"{(starts.Length > 1 ? $" × {starts.Length} ensemble members" : "")}, {training.RowCount} training rows, " +
            $"{engineOptions.Optimizer} η={engineOptions.LearningRate} ({engineOptions.LearningRateSchedule}), batch {engineOptions.BatchSize}, " +
            $"up to {engineOptions.NumberOfIterations} epochs, {engineOptions.ThreadCount} threads.");

        // Members train side by side where threads are to spare; the epoch reports are passed on one at a time.
        var reportLock = new object();
        TrainingResult[] results = EnsembleTraining.Run(starts.Length, engineOptions.ThreadCount, (k, threads, cancellation) =>
            TrainMember(engineOptions with { Seed = MemberSeed(seed, k), NumberOfThreads = threads }, starts[k], engineTraining, engineValidation,
                epoch => { lock (reportLock) ReportEpoch(channel, epoch with { Member = k }, starts.Length); }, fitHost, cancellation));
        for (int k = 0; k < results.Length; k++)
        {
            TrainingReport report = results[k].Report;
            channel.Info($"{(starts.Length > 1 ? $"Member {k + 1}: stopped" : "Stopped")} after {report.EpochCount} epochs " +
                $"({report.StopReason}); best epoch {report.BestEpoch}.");
        }
        return CreateModel(new MlpEnsemble(results.Select(r => scaling.ToModelSpace(r.Network)).ToArray()), results.Select((r, k) => r.Report.ForMember(k)).ToArray(),
            standardization);
    }

    /// <summary>Member k's seed: the first member uses the Fit's seed, so an ensemble of one is the single network.</summary>
    private static int MemberSeed(int seed, int member) => unchecked(seed + member);

    private MlpNetwork CreateNetwork(int featureCount, int outputCount, int seed) =>
        MlpNetwork.CreateInitialized(featureCount, TrainerOptions.HiddenLayerSizes, EngineEnums.ToEngine(TrainerOptions.Activation),
            outputCount, LossAndOutput.OutputActivation, seed);

    private TrainingData ReadValidation(IHost fitHost, IChannel channel, RoleMappedData validationSet, int featureCount, int outputCount,
        LabelStandardization standardization, double[]? classWeights)
    {
        validationSet.CheckFeatureFloatVector(out int validationFeatures);
        if (validationFeatures != featureCount)
            throw Host.ExceptParam(nameof(validationSet),
                $"Feature column '{FeatureColumn.Name}' has {validationFeatures} values in the validation set but {featureCount} in the training set.");
        int validationOutputs = OutputCount(validationSet);
        if (validationOutputs != outputCount)
            throw Host.ExceptParam(nameof(validationSet),
                $"Label column '{LabelColumn.Name}' gives {validationOutputs} outputs in the validation set but {outputCount} in the training set: both need the same label type and size.");
        using TrainingRows validation = TrainingRows.Read(fitHost, channel, validationSet, featureCount, setName: "validation");
        return ToEngineData(validation, outputCount, standardization, classWeights, "validation");
    }

    private TrainingResult TrainMember(TrainingOptions options, MlpNetwork start, TrainingData training, TrainingData? validation,
        Action<EpochSummary> epochCompleted, IHost fitHost, CancellationToken cancellation)
    {
        // A TrainingDivergedException (an InvalidOperationException, as ML.NET's own errors are) reaches the caller as
        // it is, so that it can be caught by its type, with the epoch and learning rate it carries.
        return new MlpTrainer(options).Train(start, training, validation, epochCompleted, fitHost.CheckAlive, cancellation);
    }

    private void ReportEpoch(IChannel channel, EpochSummary epoch, int memberCount)
    {
        string member = memberCount > 1 ? $"Member {epoch.Member + 1} of {memberCount}, e" : "E";
        string validation = epoch.ValidationLoss is { } loss ? $", validation loss {loss:G6}" : "";
        string accuracy = epoch.ValidationAccuracy is { } acc ? $", validation accuracy {acc:F4}" : "";
        channel.Info($"{member}poch {epoch.Epoch}: training loss {epoch.TrainingLoss:G6}{validation}{accuracy}, {epoch.Elapsed.TotalSeconds:F3} s.");
        TrainerOptions.EpochCompleted?.Invoke(epoch);
    }

    private TrainingData ToEngineData(TrainingRows data, int outputCount, LabelStandardization standardization, double[]? classWeights, string name)
    {
        try
        {
            (float[] targets, int targetWidth) = Targets(data, outputCount, standardization);
            float[]? weights = classWeights is null ? data.Weights
                : ClassWeights.Apply(classWeights, data.Labels, data.RowCount, data.Weights is { } w ? w.AsSpan(0, data.RowCount) : default);
            // TrainingRows.Read skipped every row with a NaN or infinite feature.
            return TrainingData.FromCheckedFeatures(data.Features, data.FeatureCount, data.RowCount, targets, targetWidth, weights);
        }
        catch (ArgumentException e)
        {
            throw Host.Except(e, $"The {name} data cannot be used: {e.Message}");
        }
    }

    /// <summary>
    /// A continued Fit trains the model's networks as they are: their hidden layers, activation and number, behind the
    /// model's robust input stage when it has one. Options that ask for something else cannot apply; one warning names
    /// them, so that a user who set them to build a new network learns that it was not built.
    /// </summary>
    private void WarnOfOptionsTheModelOverrides(IChannel channel, TModel initial)
    {
        var overridden = new List<string>();
        int[] hidden = initial.LayerSizes.Skip(1).SkipLast(1).ToArray();
        if (!hidden.SequenceEqual(TrainerOptions.HiddenLayerSizes))
            overridden.Add($"HiddenLayerSizes [{string.Join(", ", TrainerOptions.HiddenLayerSizes)}] (the model's: [{string.Join(", ", hidden)}])");
        if (hidden.Length > 0 && initial.Activation != TrainerOptions.Activation)
            overridden.Add($"Activation {TrainerOptions.Activation} (the model's: {initial.Activation})");
        if (initial.EnsembleSize != TrainerOptions.EnsembleSize)
            overridden.Add($"EnsembleSize {TrainerOptions.EnsembleSize} (the model's: {initial.EnsembleSize})");
        if (initial.InputScaling is not null && TrainerOptions.FeatureScaling != MlpFeatureScaling.Robust)
            overridden.Add($"FeatureScaling {TrainerOptions.FeatureScaling} (the model keeps its robust input stage)");
        if (overridden.Count > 0)
        {
            channel.Warning("Continuing from a model: its networks train as they are, so these options are not used: " +
                $"{string.Join("; ", overridden)}.");
        }
    }

    /// <summary>What errors about the model to continue from call it: the name of Fit's parameter that takes it.</summary>
    private const string ModelParametersParameter = "modelParameters";

    private TModel? CheckInitialModel(IPredictor? initialPredictor, int featureCount, int outputCount)
    {
        if (initialPredictor is null)
            return null;
        if (initialPredictor is not TModel initial)
            throw Host.ExceptParam(ModelParametersParameter, $"The model to continue from is a {initialPredictor.GetType().Name}, not a {typeof(TModel).Name}.");
        if (initial.FeatureCount != featureCount)
            throw Host.ExceptParam(ModelParametersParameter, $"The model to continue from takes {initial.FeatureCount} features, but feature column '{FeatureColumn.Name}' has {featureCount}.");
        if (initial.Network.OutputCount != outputCount)
            throw Host.ExceptParam(ModelParametersParameter, $"The model to continue from has {initial.Network.OutputCount} outputs, but the label needs {outputCount}.");
        return initial;
    }

    private TrainingOptions EngineOptions(IChannel channel, LossFunction loss, int seed, TrainingData training, int outputCount, bool hasValidationSet)
    {
        TOptions o = TrainerOptions;
        bool earlyStopping = o.EarlyStopping && (hasValidationSet || SplitLeavesBothSides(channel, training, outputCount));
        return o.ToEngineOptions(loss, seed, earlyStopping);
    }

    /// <summary>
    /// Whether the early-stopping split the engine will make leaves at least <see cref="TrainingDefaults.MinValidationRows"/>
    /// validation rows and a training row; warns when not. Counted as the split counts, per class for classification:
    /// 50 classes of 2 rows give no validation row at 20%, where 20% of 100 rows suggests 20.
    /// </summary>
    private bool SplitLeavesBothSides(IChannel channel, TrainingData training, int outputCount)
    {
        float fraction = TrainerOptions.ValidationFraction;
        Func<int, int>? classOf = LossFunctions.ClassSelector(LossAndOutput.Loss, LossAndOutput.OutputActivation, outputCount, training.Targets);
        (int trainingRows, int validationRows) = ValidationSplit.Sizes(training.ExampleCount, fraction, classOf);
        if (validationRows >= TrainingDefaults.MinValidationRows && trainingRows > 0)
            return true;
        string split = classOf is null ? $"{fraction:P0} of {training.ExampleCount} rows" : $"{fraction:P0} of each class's rows ({training.ExampleCount} in all)";
        channel.Warning($"EarlyStopping is on, but {split} gives {validationRows} validation and {trainingRows} training rows, and " +
            $"early stopping needs at least {TrainingDefaults.MinValidationRows} validation rows and a training row: training on all rows " +
            "without early stopping. Pass a validation set to Fit(train, validation) to stop early on such data.");
        return false;
    }

    private protected static SchemaShape.Column ScoreColumn(SchemaShape.Column.VectorKind kind, SchemaShape? annotations = null) =>
        new(DefaultColumnNames.Score, kind, NumberDataViewType.Single, false, annotations ?? new SchemaShape(AnnotationUtils.GetTrainerOutputAnnotation()));
}
