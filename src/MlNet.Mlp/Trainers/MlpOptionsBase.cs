using Microsoft.ML.Data;
using MlNet.Mlp.Engine;
using MlNet.Mlp.Trainers;

namespace MlNet.Mlp;

/// <summary>
/// Options shared by <see cref="MlpBinaryTrainer"/>, <see cref="MlpMulticlassTrainer"/>, <see cref="MlpRegressionTrainer"/>,
/// <see cref="MlpMultiOutputRegressionTrainer"/> and <see cref="MlpMultiLabelTrainer"/>.
/// The defaults give a good model on normalised features (e.g. after <c>NormalizeMeanVariance</c>) without tuning; they
/// are declared in <see cref="TrainingDefaults"/> and were chosen on the accuracy panel (docs/accuracy.md).
/// </summary>
public abstract class MlpOptionsBase
{
    /// <summary>Name of the label column. Default <c>"Label"</c>.</summary>
    public string LabelColumnName = DefaultColumnNames.Label;

    /// <summary>Name of the feature column, a known-size vector of Single. Default <c>"Features"</c>.</summary>
    public string FeatureColumnName = DefaultColumnNames.Features;

    /// <summary>Name of the optional example-weight column (Single, positive); null for none. Default null.</summary>
    public string? ExampleWeightColumnName;

    /// <summary>Units of each hidden layer, input side first. Default [100]. At least one layer; each size in [1, 65536].</summary>
    public int[] HiddenLayerSizes = [TrainingDefaults.HiddenLayerSize];

    /// <summary>Activation of the hidden layers. Default <see cref="MlpActivation.Relu"/>.</summary>
    public MlpActivation Activation = MlpActivation.Relu;

    /// <summary>
    /// How the features are scaled before training (the notes' input normalisation against vanishing gradients; it
    /// matters even after ML.NET's <c>NormalizeMeanVariance</c>, which by default scales without centring):
    /// <see cref="MlpFeatureScaling.Standardize"/> x̂ = (x − μ)/σ over the training rows (weighted), folded into the
    /// first layer afterwards so the model takes raw features; <see cref="MlpFeatureScaling.Robust"/>
    /// x̂ = z/√(1 + (z/3)²) with z = (x − median)/IQR (half the range when the IQR is 0), kept as the model's input
    /// stage; <see cref="MlpFeatureScaling.None"/> leaves them. When the features arrive as sparse vectors
    /// (FeaturizeText, OneHotEncoding: at least half the rows sparse buffers, and at most a tenth of all values
    /// stored), Robust standardises instead and only the features non-zero in at least half the rows are standardised,
    /// with a line in the log: scaling a rare n-gram by its tiny deviation turns its few occurrences into huge inputs
    /// (text accuracy fell from 0.91 to 0.61 in our test). Default <see cref="MlpFeatureScaling.Robust"/>.
    /// </summary>
    public MlpFeatureScaling FeatureScaling = EngineEnums.ToPublic(TrainingDefaults.FeatureScaling);

    /// <summary>
    /// Networks trained and averaged (the notes' ensembles against overfitting): K members with seeds Seed, Seed + 1,
    /// …, each with its own initial weights, shuffling and validation split; the model's output is the mean of theirs
    /// (of the logits for binary and multi-label, the class probabilities for multiclass, the values for regression).
    /// Costs K times the training work and the scoring time; members train side by side when
    /// <see cref="NumberOfThreads"/> allows (see there). Default 3. Range: [1, 64]. Continuing from a model
    /// (<c>Fit(train, modelParameters)</c>) trains every member of that model instead.
    /// </summary>
    public int EnsembleSize = TrainingDefaults.EnsembleSize;

    /// <summary>The update rule. Default <see cref="MlpOptimizer.AdamW"/>.</summary>
    public MlpOptimizer Optimizer = EngineEnums.ToPublic(TrainingDefaults.Optimizer);

    /// <summary>
    /// The learning rate η: the peak of <see cref="LearningRateSchedule"/>. Default 0.003. Range: &gt; 0. Lbfgs ignores
    /// it (their line search sets each step).
    /// </summary>
    public float LearningRate = TrainingDefaults.LearningRate;

    /// <summary>
    /// How η changes over the run, per mini-batch step t of T = NumberOfIterations × batches per epoch:
    /// <see cref="MlpLearningRateSchedule.Constant"/> η_t = η; <see cref="MlpLearningRateSchedule.ReduceOnPlateau"/>
    /// η_t ← max(η·MinimumLearningRateFraction, η_t·LearningRateDecayFactor) after LearningRatePatience epochs without
    /// an improvement of the monitored loss (the validation loss, else the training loss) by more than
    /// EarlyStoppingMinImprovement; <see cref="MlpLearningRateSchedule.Cosine"/> η_t = η·t/W over the W warm-up steps,
    /// then η_min + ½(η − η_min)(1 + cos(π(t − W)/(T − W))) with η_min = η·MinimumLearningRateFraction.
    /// Default Constant. The full-batch optimizers ignore it.
    /// </summary>
    public MlpLearningRateSchedule LearningRateSchedule = EngineEnums.ToPublic(TrainingDefaults.LearningRateSchedule);

    /// <summary>
    /// Epochs of linear warm-up of the Cosine schedule. Default 0. Range: ≥ 0, and below NumberOfIterations with the
    /// Cosine schedule; the other schedules ignore it.
    /// </summary>
    public int WarmupEpochs = TrainingDefaults.WarmupEpochs;

    /// <summary>The schedules' floor as a fraction of η: where Cosine ends, below which ReduceOnPlateau never goes. Default 0.01. Range: [0, 1].</summary>
    public float MinimumLearningRateFraction = TrainingDefaults.MinimumLearningRateFraction;

    /// <summary>Factor by which ReduceOnPlateau multiplies η. Default 0.2. Range: (0, 1).</summary>
    public float LearningRateDecayFactor = TrainingDefaults.LearningRateDecayFactor;

    /// <summary>Epochs without improvement before ReduceOnPlateau lowers η. Default 5. Range: ≥ 1.</summary>
    public int LearningRatePatience = TrainingDefaults.LearningRatePatience;

    /// <summary>SGD momentum α in Δw ← η·g + α·Δw_prev. Default 0.9. Range: [0, 1). Used by Sgd only.</summary>
    public float Momentum = TrainingDefaults.Momentum;

    /// <summary>Use Nesterov momentum with SGD. Default false.</summary>
    public bool UseNesterovMomentum = TrainingDefaults.UseNesterovMomentum;

    /// <summary>
    /// L2 strength λ: the weight gradient of the batch-mean loss becomes g + λ·w (biases are not regularised), with
    /// every optimizer. Default 0 (the default AdamW regularises by its WeightDecay instead). Range: ≥ 0.
    /// </summary>
    public float L2Regularization = TrainingDefaults.L2Regularization;

    /// <summary>
    /// Decoupled weight decay d of <see cref="MlpOptimizer.AdamW"/>: before each step w ← w − η_t·d·w on weights (not
    /// biases). Default 0.1. Range: ≥ 0. The other optimizers ignore it.
    /// </summary>
    public float WeightDecay = TrainingDefaults.WeightDecay;

    /// <summary>Probability of dropping each hidden unit per example while training (inverted dropout). Default 0. Range: [0, 1); 0 with the full-batch optimizers.</summary>
    public float DropoutRate = TrainingDefaults.DropoutRate;

    /// <summary>Probability of dropping each weight per mini-batch while training (DropConnect). Default 0. Range: [0, 1); 0 with the full-batch optimizers.</summary>
    public float DropConnectRate = TrainingDefaults.DropConnectRate;

    /// <summary>Examples per mini-batch; 1 is pattern mode. Larger than the training set means full batch. Default 32. Range: ≥ 1. The full-batch optimizers ignore it.</summary>
    public int BatchSize = TrainingDefaults.BatchSize;

    /// <summary>Maximum number of epochs (passes over the training set; iterations of the full-batch optimizers). Default 200. Range: ≥ 1.</summary>
    public int NumberOfIterations = TrainingDefaults.NumberOfIterations;

    /// <summary>Shuffle the training set every epoch (seeded). Default true.</summary>
    public bool Shuffle = TrainingDefaults.Shuffle;

    /// <summary>Seed for initial weights, shuffling, dropout and the validation split; null takes one from the MLContext's seed. Default null.</summary>
    public int? Seed;

    /// <summary>
    /// Stop when the monitored validation figure has not improved for <see cref="EarlyStoppingPatience"/> epochs, and
    /// return the weights of the best epoch. The validation set is the one passed to <c>Fit(train, validation)</c>, or
    /// else a seeded <see cref="ValidationFraction"/> split of the training set (stratified for classification:
    /// round(fraction × rows) of each class). When that split would hold fewer than 10 validation rows or no training
    /// row, training runs on all rows without early stopping and says so in the log. Default true.
    /// </summary>
    public bool EarlyStopping = TrainingDefaults.EarlyStopping;

    /// <summary>Fraction of the training set held out for early stopping when no validation set is given. Default 0.2. Range: (0, 1).</summary>
    public float ValidationFraction = TrainingDefaults.ValidationFraction;

    /// <summary>Epochs without improvement of the monitored validation figure before stopping. Default 40. Range: ≥ 1.</summary>
    public int EarlyStoppingPatience = TrainingDefaults.EarlyStoppingPatience;

    /// <summary>
    /// Smallest change of the monitored figure that counts as an improvement, for early stopping and ReduceOnPlateau.
    /// Default 1e−4. Range: ≥ 0.
    /// </summary>
    public double EarlyStoppingMinImprovement = TrainingDefaults.EarlyStoppingMinImprovement;

    /// <summary>Most loss-and-gradient evaluations of the full-batch optimizers over the whole run. Default 15000. Range: ≥ 1.</summary>
    public int MaximumFunctionEvaluations = TrainingDefaults.MaximumFunctionEvaluations;

    /// <summary>
    /// Threads for training; null uses every core. With T threads and K ensemble members, min(K, T) members train at
    /// once, each with ⌊T ÷ min(K, T)⌋ threads for its matrix products. Results are bit-identical for any value.
    /// Default null. Range: ≥ 1.
    /// </summary>
    public int? NumberOfThreads;

    /// <summary>
    /// Called after every epoch with its losses and time (progress bars, logging, custom stopping by cancelling). With
    /// several ensemble members training at once, calls come from their threads, one call at a time, and
    /// <see cref="EpochSummary.Member"/> says whose epoch it was. Default null.
    /// </summary>
    public Action<EpochSummary>? EpochCompleted;

    /// <summary>What early stopping watches; only the classification trainers offer a choice.</summary>
    private protected virtual MlpEarlyStoppingMetric StoppingMetric => MlpEarlyStoppingMetric.Loss;

    /// <summary>Label smoothing ε; only the classification trainers offer it.</summary>
    private protected virtual float Smoothing => 0f;

    /// <summary>
    /// Checks every option; throws <see cref="ArgumentOutOfRangeException"/> naming the first bad one and its value.
    /// The training options are checked by the engine's own rules (<see cref="TrainingOptions.Validate"/>), which
    /// use the same option names.
    /// </summary>
    internal virtual void Validate()
    {
        OptionChecks.ColumnName(LabelColumnName, nameof(LabelColumnName));
        OptionChecks.ColumnName(FeatureColumnName, nameof(FeatureColumnName));
        if (ExampleWeightColumnName is not null)
            OptionChecks.ColumnName(ExampleWeightColumnName, nameof(ExampleWeightColumnName));
        if (HiddenLayerSizes is null || HiddenLayerSizes.Length == 0)
            throw new ArgumentOutOfRangeException(nameof(HiddenLayerSizes), HiddenLayerSizes,
                $"{nameof(HiddenLayerSizes)} must list at least one hidden layer, but is {(HiddenLayerSizes is null ? "null" : "empty")}.");
        for (int i = 0; i < HiddenLayerSizes.Length; i++)
        {
            if (HiddenLayerSizes[i] < 1 || HiddenLayerSizes[i] > TrainingDefaults.MaxLayerSize)
                throw new ArgumentOutOfRangeException(nameof(HiddenLayerSizes), HiddenLayerSizes[i],
                    $"{nameof(HiddenLayerSizes)}[{i}] must be in [1, {TrainingDefaults.MaxLayerSize}], but is {HiddenLayerSizes[i]}.");
        }
        OptionChecks.Defined(Activation, nameof(Activation));
        OptionChecks.Defined(Optimizer, nameof(Optimizer));
        OptionChecks.Defined(LearningRateSchedule, nameof(LearningRateSchedule));
        OptionChecks.Defined(FeatureScaling, nameof(FeatureScaling));
        OptionChecks.InRange(EnsembleSize, 1, TrainingDefaults.MaxEnsembleSize, nameof(EnsembleSize));
        // Before the engine's options are built: mapping an undefined value would throw naming the enum, not the option.
        OptionChecks.Defined(StoppingMetric, "EarlyStoppingMetric");
        ToEngineOptions(LossFunction.SquaredError, seed: 0, EarlyStopping).Validate();
    }

    /// <summary>
    /// A copy that later changes to this object do not reach: <see cref="HiddenLayerSizes"/> is copied too, and
    /// <see cref="EpochCompleted"/> is shared. A trainer keeps the options it validated, so that changing them after
    /// creating it (in a sweep, say) can neither skip the checks nor half-apply, the column names being bound already.
    /// </summary>
    internal MlpOptionsBase Copy()
    {
        var copy = (MlpOptionsBase)MemberwiseClone();
        copy.HiddenLayerSizes = HiddenLayerSizes?.ToArray()!;
        return copy;
    }

    /// <summary>The engine's options for a Fit: these options with the task's loss, the seed and the early-stopping decision.</summary>
    internal TrainingOptions ToEngineOptions(LossFunction loss, int seed, bool earlyStopping) => new()
    {
        Loss = loss,
        NumberOfIterations = NumberOfIterations,
        BatchSize = BatchSize,
        Optimizer = EngineEnums.ToEngine(Optimizer),
        LearningRate = LearningRate,
        LearningRateSchedule = EngineEnums.ToEngine(LearningRateSchedule),
        WarmupEpochs = WarmupEpochs,
        MinimumLearningRateFraction = MinimumLearningRateFraction,
        LearningRateDecayFactor = LearningRateDecayFactor,
        LearningRatePatience = LearningRatePatience,
        Momentum = Momentum,
        UseNesterovMomentum = UseNesterovMomentum,
        L2Regularization = L2Regularization,
        WeightDecay = WeightDecay,
        DropoutRate = DropoutRate,
        DropConnectRate = DropConnectRate,
        LabelSmoothing = Smoothing,
        Shuffle = Shuffle,
        Seed = seed,
        EarlyStopping = earlyStopping,
        EarlyStoppingMetric = EngineEnums.ToEngine(StoppingMetric),
        ValidationFraction = ValidationFraction,
        EarlyStoppingPatience = EarlyStoppingPatience,
        EarlyStoppingMinImprovement = EarlyStoppingMinImprovement,
        MaximumFunctionEvaluations = MaximumFunctionEvaluations,
        NumberOfThreads = NumberOfThreads,
    };
}
