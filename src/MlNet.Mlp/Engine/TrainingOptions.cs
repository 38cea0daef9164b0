namespace MlNet.Mlp.Engine;

/// <summary>
/// Settings for <see cref="MlpTrainer"/>. Defaults come from <see cref="TrainingDefaults"/>, the same values the ML.NET
/// trainers' options start from, and the names are theirs, so that <see cref="Validate"/> is the one set of rules
/// for both and its errors name the option a user set.
/// </summary>
public sealed record TrainingOptions
{
    /// <summary>Loss to minimise; fixes the target layout and the output activation (see <see cref="LossFunction"/>). Default squared error.</summary>
    public LossFunction Loss { get; init; } = LossFunction.SquaredError;

    /// <summary>Maximum number of epochs (passes over the training set; iterations of L-BFGS), ≥ 1.</summary>
    public int NumberOfIterations { get; init; } = TrainingDefaults.NumberOfIterations;

    /// <summary>Examples per mini-batch (1 = pattern mode, ≥ n = full batch); the last batch of an epoch may be smaller. ≥ 1. L-BFGS ignores it.</summary>
    public int BatchSize { get; init; } = TrainingDefaults.BatchSize;

    /// <summary>Update rule.</summary>
    public OptimizerKind Optimizer { get; init; } = TrainingDefaults.Optimizer;

    /// <summary>Learning rate η, &gt; 0: the peak of the schedule. L-BFGS ignores it (its line search sets the step).</summary>
    public float LearningRate { get; init; } = TrainingDefaults.LearningRate;

    /// <summary>How η changes during training (see <see cref="LearningRateSchedule"/>). L-BFGS ignores it.</summary>
    public LearningRateScheduleKind LearningRateSchedule { get; init; } = TrainingDefaults.LearningRateSchedule;

    /// <summary>
    /// Epochs of linear warm-up of the cosine schedule, ≥ 0 and less than <see cref="NumberOfIterations"/>: η rises
    /// from η/w to η over the first w epochs' steps.
    /// </summary>
    public int WarmupEpochs { get; init; } = TrainingDefaults.WarmupEpochs;

    /// <summary>The floor of the schedules as a fraction of η, in [0, 1]: the cosine ends there, a plateau never goes below it.</summary>
    public float MinimumLearningRateFraction { get; init; } = TrainingDefaults.MinimumLearningRateFraction;

    /// <summary>Factor in (0, 1) by which <see cref="LearningRateScheduleKind.ReduceOnPlateau"/> multiplies η.</summary>
    public float LearningRateDecayFactor { get; init; } = TrainingDefaults.LearningRateDecayFactor;

    /// <summary>Epochs without improvement of the monitored loss before <see cref="LearningRateScheduleKind.ReduceOnPlateau"/> lowers η, ≥ 1.</summary>
    public int LearningRatePatience { get; init; } = TrainingDefaults.LearningRatePatience;

    /// <summary>SGD momentum α in Δw ← η·g + α·Δw_prev, in [0, 1).</summary>
    public float Momentum { get; init; } = TrainingDefaults.Momentum;

    /// <summary>Use Nesterov momentum with SGD.</summary>
    public bool UseNesterovMomentum { get; init; } = TrainingDefaults.UseNesterovMomentum;

    /// <summary>Adam β1, in [0, 1).</summary>
    public float AdamBeta1 { get; init; } = TrainingDefaults.AdamBeta1;

    /// <summary>Adam β2, in [0, 1).</summary>
    public float AdamBeta2 { get; init; } = TrainingDefaults.AdamBeta2;

    /// <summary>Adam ε, &gt; 0.</summary>
    public float AdamEpsilon { get; init; } = TrainingDefaults.AdamEpsilon;

    /// <summary>
    /// L2 strength λ ≥ 0: the weight gradient becomes g + λ·w (biases are not regularised), i.e. the batch-mean loss
    /// plus ½λ‖W‖², for every optimiser. scikit-learn's alpha is per batch sum (gradient g + alpha·w/batchSize), so
    /// alpha = λ·batchSize.
    /// </summary>
    public float L2Regularization { get; init; } = TrainingDefaults.L2Regularization;

    /// <summary>
    /// Decoupled weight decay d ≥ 0 of <see cref="OptimizerKind.AdamW"/>: before each Adam step w ← w − η_t·d·w for
    /// weights (not biases), η_t the scheduled rate. Other optimisers ignore it (use <see cref="L2Regularization"/>).
    /// </summary>
    public float WeightDecay { get; init; } = TrainingDefaults.WeightDecay;

    /// <summary>Probability p ∈ [0, 1) of dropping each hidden unit per example in training (kept units scaled by 1/(1−p)).</summary>
    public float DropoutRate { get; init; } = TrainingDefaults.DropoutRate;

    /// <summary>Probability p ∈ [0, 1) of dropping each weight (all layers) per mini-batch in training (kept weights scaled by 1/(1−p)).</summary>
    public float DropConnectRate { get; init; } = TrainingDefaults.DropConnectRate;

    /// <summary>
    /// Label smoothing ε ∈ [0, 1) for the cross-entropy losses: K-class targets become (1 − ε)·y + ε/K (K = 2 for a
    /// sigmoid output). Reported losses are against the smoothed targets. Other losses ignore it.
    /// </summary>
    public float LabelSmoothing { get; init; } = TrainingDefaults.LabelSmoothing;

    /// <summary>Shuffle the training examples every epoch.</summary>
    public bool Shuffle { get; init; } = TrainingDefaults.Shuffle;

    /// <summary>Seed for initial weights, shuffling, dropout/DropConnect masks and the validation split. Default 0.</summary>
    public int Seed { get; init; }

    /// <summary>
    /// Stop when <see cref="EarlyStoppingMetric"/> on the validation set has not improved by more than
    /// <see cref="EarlyStoppingMinImprovement"/> for <see cref="EarlyStoppingPatience"/> epochs. Uses the validation
    /// set passed to <see cref="MlpTrainer.Train"/>, or else splits off <see cref="ValidationFraction"/> of the training
    /// set (stratified by class for classification).
    /// </summary>
    public bool EarlyStopping { get; init; } = TrainingDefaults.EarlyStopping;

    /// <summary>
    /// What early stopping (and the best epoch) is judged by. <see cref="EarlyStoppingMetric.Accuracy"/> applies to
    /// classification networks (see <see cref="LossFunctions.IsClassification"/>); for any other the loss decides.
    /// </summary>
    public EarlyStoppingMetric EarlyStoppingMetric { get; init; } = TrainingDefaults.StoppingMetric;

    /// <summary>Fraction of the training set split off for early stopping when no validation set is given, in (0, 1).</summary>
    public float ValidationFraction { get; init; } = TrainingDefaults.ValidationFraction;

    /// <summary>Epochs without improvement before early stopping, ≥ 1.</summary>
    public int EarlyStoppingPatience { get; init; } = TrainingDefaults.EarlyStoppingPatience;

    /// <summary>
    /// Smallest change of the monitored figure that counts as an improvement, ≥ 0 (Keras's min_delta, scikit-learn's
    /// tol). The best epoch and its weights are updated only on such an improvement.
    /// </summary>
    public double EarlyStoppingMinImprovement { get; init; } = TrainingDefaults.EarlyStoppingMinImprovement;

    /// <summary>With early stopping, return the weights of the best validation epoch rather than the last. Default true.</summary>
    public bool RestoreBestWeights { get; init; } = true;

    /// <summary>Stop as soon as an epoch's training loss is ≤ this (the notes' error threshold), or null never. Default null.</summary>
    public double? TargetLoss { get; init; }

    /// <summary>Most loss-and-gradient evaluations L-BFGS may make over the whole run, ≥ 1 (scikit-learn's max_fun).</summary>
    public int MaximumFunctionEvaluations { get; init; } = TrainingDefaults.MaximumFunctionEvaluations;

    /// <summary>Steps L-BFGS remembers for its curvature estimate, ≥ 1.</summary>
    public int LbfgsHistorySize { get; init; } = TrainingDefaults.LbfgsHistorySize;

    /// <summary>Threads for the matrix products, ≥ 1, or null for every core. Results are bit-identical for any value.</summary>
    public int? NumberOfThreads { get; init; }

    /// <summary>The thread count in use: <see cref="NumberOfThreads"/>, or the processor count.</summary>
    internal int ThreadCount => NumberOfThreads ?? Environment.ProcessorCount;

    /// <summary>Checks every option.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Names the first option with a bad value.</exception>
    public void Validate()
    {
        RequireDefined(Loss, nameof(Loss));
        RequireDefined(Optimizer, nameof(Optimizer));
        RequireDefined(LearningRateSchedule, nameof(LearningRateSchedule));
        RequireDefined(EarlyStoppingMetric, nameof(EarlyStoppingMetric));
        Require(NumberOfIterations >= 1, nameof(NumberOfIterations), NumberOfIterations, "must be at least 1");
        Require(BatchSize >= 1, nameof(BatchSize), BatchSize, "must be at least 1");
        Require(LearningRate > 0 && float.IsFinite(LearningRate), nameof(LearningRate), LearningRate, "must be positive and finite");
        Require(WarmupEpochs >= 0, nameof(WarmupEpochs), WarmupEpochs, "must be zero or positive");
        Require(LearningRateSchedule != LearningRateScheduleKind.Cosine || WarmupEpochs < NumberOfIterations, nameof(WarmupEpochs), WarmupEpochs,
            $"must be less than {nameof(NumberOfIterations)} ({NumberOfIterations}) so that the cosine schedule has epochs left to decay over");
        Require(MinimumLearningRateFraction is >= 0 and <= 1, nameof(MinimumLearningRateFraction), MinimumLearningRateFraction, "must be in [0, 1]");
        Require(LearningRateDecayFactor is > 0 and < 1, nameof(LearningRateDecayFactor), LearningRateDecayFactor, "must be in (0, 1)");
        Require(LearningRatePatience >= 1, nameof(LearningRatePatience), LearningRatePatience, "must be at least 1");
        Require(Momentum is >= 0 and < 1, nameof(Momentum), Momentum, "must be in [0, 1)");
        Require(AdamBeta1 is >= 0 and < 1, nameof(AdamBeta1), AdamBeta1, "must be in [0, 1)");
        Require(AdamBeta2 is >= 0 and < 1, nameof(AdamBeta2), AdamBeta2, "must be in [0, 1)");
        Require(AdamEpsilon > 0 && float.IsFinite(AdamEpsilon), nameof(AdamEpsilon), AdamEpsilon, "must be positive and finite");
        Require(L2Regularization >= 0 && float.IsFinite(L2Regularization), nameof(L2Regularization), L2Regularization, "must be zero or positive and finite");
        Require(WeightDecay >= 0 && float.IsFinite(WeightDecay), nameof(WeightDecay), WeightDecay, "must be zero or positive and finite");
        Require(DropoutRate is >= 0 and < 1, nameof(DropoutRate), DropoutRate, "must be in [0, 1)");
        Require(DropConnectRate is >= 0 and < 1, nameof(DropConnectRate), DropConnectRate, "must be in [0, 1)");
        Require(Optimizer != OptimizerKind.Lbfgs || DropoutRate == 0, nameof(DropoutRate), DropoutRate,
            "must be 0 with the Lbfgs optimizer: its line search needs the same loss at every evaluation");
        Require(Optimizer != OptimizerKind.Lbfgs || DropConnectRate == 0, nameof(DropConnectRate), DropConnectRate,
            "must be 0 with the Lbfgs optimizer: its line search needs the same loss at every evaluation");
        Require(LabelSmoothing is >= 0 and < 1, nameof(LabelSmoothing), LabelSmoothing, "must be in [0, 1)");
        Require(ValidationFraction is > 0 and < 1, nameof(ValidationFraction), ValidationFraction, "must be in (0, 1)");
        Require(EarlyStoppingPatience >= 1, nameof(EarlyStoppingPatience), EarlyStoppingPatience, "must be at least 1");
        Require(EarlyStoppingMinImprovement >= 0 && double.IsFinite(EarlyStoppingMinImprovement), nameof(EarlyStoppingMinImprovement),
            EarlyStoppingMinImprovement, "must be zero or positive and finite");
        Require(TargetLoss is null || double.IsFinite(TargetLoss.Value), nameof(TargetLoss), TargetLoss, "must be finite");
        Require(MaximumFunctionEvaluations >= 1, nameof(MaximumFunctionEvaluations), MaximumFunctionEvaluations, "must be at least 1");
        Require(LbfgsHistorySize >= 1, nameof(LbfgsHistorySize), LbfgsHistorySize, "must be at least 1");
        Require(NumberOfThreads is null or >= 1, nameof(NumberOfThreads), NumberOfThreads, "must be at least 1");
    }

    /// <summary>Builds the configured mini-batch optimiser for <paramref name="network"/>'s parameter blocks.</summary>
    /// <exception cref="InvalidOperationException">The optimiser is L-BFGS, which is no mini-batch rule.</exception>
    public Optimizer CreateOptimizer(MlpNetwork network)
    {
        int[] blocks = Engine.Optimizer.ParameterBlockSizes(network);
        return Optimizer switch
        {
            OptimizerKind.Sgd => new SgdOptimizer(blocks, LearningRate, Momentum, UseNesterovMomentum),
            OptimizerKind.Adam => new AdamOptimizer(blocks, LearningRate, AdamBeta1, AdamBeta2, AdamEpsilon),
            OptimizerKind.AdamW => new AdamOptimizer(blocks, LearningRate, AdamBeta1, AdamBeta2, AdamEpsilon, WeightDecay,
                Engine.Optimizer.WeightBlocks(network)),
            _ => throw new InvalidOperationException($"{Optimizer} is a full-batch solver, not a mini-batch update rule."),
        };
    }

    /// <summary>Builds the configured schedule for a run of <paramref name="stepsPerEpoch"/> mini-batches per epoch.</summary>
    public LearningRateSchedule CreateSchedule(int stepsPerEpoch) => LearningRateSchedule switch
    {
        LearningRateScheduleKind.ReduceOnPlateau => new ReduceOnPlateauLearningRate(LearningRate, LearningRateDecayFactor,
            LearningRatePatience, EarlyStoppingMinImprovement, LearningRate * MinimumLearningRateFraction),
        LearningRateScheduleKind.Cosine => new CosineLearningRate(LearningRate, WarmupEpochs * stepsPerEpoch,
            NumberOfIterations * stepsPerEpoch, LearningRate * MinimumLearningRateFraction),
        _ => new ConstantLearningRate(LearningRate),
    };

    private static void RequireDefined<TEnum>(TEnum value, string option) where TEnum : struct, Enum =>
        Require(Enum.IsDefined(value), option, value, $"must be one of {string.Join(", ", Enum.GetNames<TEnum>())}");

    private static void Require(bool condition, string option, object? value, string rule)
    {
        if (!condition)
            throw new ArgumentOutOfRangeException(option, value, $"{option} {rule}, but is {value}.");
    }
}
