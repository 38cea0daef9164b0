namespace MlNet.Mlp.Engine;

/// <summary>Which <see cref="Optimizer"/> the trainer builds.</summary>
public enum OptimizerKind
{
    /// <summary><see cref="SgdOptimizer"/>: SGD with optional (Nesterov) momentum.</summary>
    Sgd,
    /// <summary><see cref="AdamOptimizer"/>.</summary>
    Adam,
}

/// <summary>Settings for <see cref="MlpTrainer"/>. Defaults follow scikit-learn's MLP where the notes do not fix them.</summary>
public sealed class TrainingOptions
{
    /// <summary>Loss to minimise; fixes the target layout and the output activation (see <see cref="LossFunction"/>). Default squared error.</summary>
    public LossFunction Loss { get; init; } = LossFunction.SquaredError;

    /// <summary>Maximum number of passes over the training set. Default 200.</summary>
    public int MaxEpochs { get; init; } = 200;

    /// <summary>Examples per mini-batch (1 = pattern mode, ≥ n = full batch); the last batch of an epoch may be smaller. Default 32.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Update rule. Default Adam.</summary>
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Adam;

    /// <summary>Learning rate η. Default 0.001 (suits Adam; SGD usually wants 0.01–0.5).</summary>
    public float LearningRate { get; init; } = 0.001f;

    /// <summary>SGD momentum α in Δw ← η·g + α·Δw_prev, in [0, 1). Default 0.9.</summary>
    public float Momentum { get; init; } = 0.9f;

    /// <summary>Use Nesterov momentum with SGD. Default false (the notes' classical momentum).</summary>
    public bool Nesterov { get; init; }

    /// <summary>Adam β1. Default 0.9.</summary>
    public float AdamBeta1 { get; init; } = 0.9f;

    /// <summary>Adam β2. Default 0.999.</summary>
    public float AdamBeta2 { get; init; } = 0.999f;

    /// <summary>Adam ε. Default 1e−8.</summary>
    public float AdamEpsilon { get; init; } = 1e-8f;

    /// <summary>
    /// L2 strength λ ≥ 0: the weight gradient becomes g + λ·w (biases are not regularised), i.e. the batch-mean loss
    /// plus ½λ‖W‖². scikit-learn's alpha is per batch sum (gradient g + alpha·w/batchSize), so alpha = λ·batchSize.
    /// Default 0.
    /// </summary>
    public float L2 { get; init; }

    /// <summary>Probability p ∈ [0, 1) of dropping each hidden unit per example in training (kept units scaled by 1/(1−p)). Default 0.</summary>
    public float DropoutRate { get; init; }

    /// <summary>Probability p ∈ [0, 1) of dropping each weight (all layers) per mini-batch in training (kept weights scaled by 1/(1−p)). Default 0.</summary>
    public float DropConnectRate { get; init; }

    /// <summary>Shuffle the training examples every epoch. Default true.</summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>Seed for shuffling, dropout/DropConnect masks and the validation split. Default 0.</summary>
    public int Seed { get; init; }

    /// <summary>
    /// Stop when the validation loss has not improved by more than <see cref="Tolerance"/> for <see cref="Patience"/>
    /// epochs. Uses the validation set passed to <see cref="MlpTrainer.Train"/>, or else splits off
    /// <see cref="ValidationFraction"/> of the training set (stratified by class for classification). Default false.
    /// </summary>
    public bool EarlyStopping { get; init; }

    /// <summary>Fraction of the training set split off for early stopping when no validation set is given, in (0, 1). Default 0.2.</summary>
    public float ValidationFraction { get; init; } = 0.2f;

    /// <summary>Epochs without improvement before early stopping, ≥ 1. Default 10 (scikit-learn's n_iter_no_change).</summary>
    public int Patience { get; init; } = 10;

    /// <summary>
    /// Minimum decrease of the validation loss that counts as an improvement, ≥ 0. The best loss and weights are
    /// updated only on such an improvement (Keras's min_delta). Default 1e−4.
    /// </summary>
    public double Tolerance { get; init; } = 1e-4;

    /// <summary>With early stopping, return the weights of the best validation epoch rather than the last. Default true.</summary>
    public bool RestoreBestWeights { get; init; } = true;

    /// <summary>Stop as soon as an epoch's training loss is ≤ this (the notes' error threshold), or null never. Default null.</summary>
    public double? TargetLoss { get; init; }

    /// <summary>Threads for the matrix products, ≥ 1. Results are bit-identical for any value. Default 1.</summary>
    public int NumberOfThreads { get; init; } = 1;

    /// <summary>Checks every option.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Names the first option with a bad value.</exception>
    public void Validate()
    {
        if (!Enum.IsDefined(Loss))
            throw new ArgumentOutOfRangeException(nameof(Loss), Loss, "Unknown loss function.");
        if (!Enum.IsDefined(Optimizer))
            throw new ArgumentOutOfRangeException(nameof(Optimizer), Optimizer, "Unknown optimizer.");
        Require(MaxEpochs >= 1, nameof(MaxEpochs), MaxEpochs, "must be at least 1");
        Require(BatchSize >= 1, nameof(BatchSize), BatchSize, "must be at least 1");
        Require(LearningRate > 0 && float.IsFinite(LearningRate), nameof(LearningRate), LearningRate, "must be positive and finite");
        Require(Momentum >= 0 && Momentum < 1, nameof(Momentum), Momentum, "must be in [0, 1)");
        Require(AdamBeta1 >= 0 && AdamBeta1 < 1, nameof(AdamBeta1), AdamBeta1, "must be in [0, 1)");
        Require(AdamBeta2 >= 0 && AdamBeta2 < 1, nameof(AdamBeta2), AdamBeta2, "must be in [0, 1)");
        Require(AdamEpsilon > 0 && float.IsFinite(AdamEpsilon), nameof(AdamEpsilon), AdamEpsilon, "must be positive and finite");
        Require(L2 >= 0 && float.IsFinite(L2), nameof(L2), L2, "must be ≥ 0 and finite");
        Require(DropoutRate >= 0 && DropoutRate < 1, nameof(DropoutRate), DropoutRate, "must be in [0, 1)");
        Require(DropConnectRate >= 0 && DropConnectRate < 1, nameof(DropConnectRate), DropConnectRate, "must be in [0, 1)");
        Require(ValidationFraction > 0 && ValidationFraction < 1, nameof(ValidationFraction), ValidationFraction, "must be in (0, 1)");
        Require(Patience >= 1, nameof(Patience), Patience, "must be at least 1");
        Require(Tolerance >= 0 && double.IsFinite(Tolerance), nameof(Tolerance), Tolerance, "must be ≥ 0 and finite");
        Require(TargetLoss is null || double.IsFinite(TargetLoss.Value), nameof(TargetLoss), TargetLoss, "must be finite");
        Require(NumberOfThreads >= 1, nameof(NumberOfThreads), NumberOfThreads, "must be at least 1");
    }

    /// <summary>Builds the configured optimiser for <paramref name="network"/>'s parameter blocks.</summary>
    public Optimizer CreateOptimizer(MlpNetwork network)
    {
        int[] blocks = Engine.Optimizer.ParameterBlockSizes(network);
        return Optimizer == OptimizerKind.Adam
            ? new AdamOptimizer(blocks, LearningRate, AdamBeta1, AdamBeta2, AdamEpsilon)
            : new SgdOptimizer(blocks, LearningRate, Momentum, Nesterov);
    }

    private static void Require(bool condition, string option, object? value, string rule)
    {
        if (!condition)
            throw new ArgumentOutOfRangeException(option, value, $"{option} {rule}; got {value}.");
    }
}
