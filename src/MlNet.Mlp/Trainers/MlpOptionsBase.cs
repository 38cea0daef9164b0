using Microsoft.ML.Data;
using MlNet.Mlp.Engine;
using MlNet.Mlp.Trainers;

namespace MlNet.Mlp;

/// <summary>
/// Options shared by <see cref="MlpBinaryTrainer"/>, <see cref="MlpMulticlassTrainer"/> and <see cref="MlpRegressionTrainer"/>.
/// The defaults give a good model on normalised features (e.g. after <c>NormalizeMeanVariance</c>) without tuning.
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
    public int[] HiddenLayerSizes = [MlpDefaults.HiddenLayerSize];

    /// <summary>Activation of the hidden layers. Default <see cref="MlpActivation.Relu"/>.</summary>
    public MlpActivation Activation = MlpActivation.Relu;

    /// <summary>
    /// Centre and scale every feature to mean 0, standard deviation 1 (measured on the training set) before training,
    /// and fold that transform into the first layer afterwards, so the model still takes the raw features. This is
    /// the notes' input normalisation against vanishing gradients; it matters even after ML.NET's
    /// <c>NormalizeMeanVariance</c>, which by default scales without centring. When the features arrive as sparse
    /// vectors (FeaturizeText, OneHotEncoding: a first row storing at most a tenth of its values), only the features
    /// that are non-zero in at least half the rows are standardised, with a line in the log: scaling a rare n-gram by
    /// its tiny deviation turns its few occurrences into huge inputs (text accuracy fell from 0.91 to 0.61 in our
    /// test), while numeric columns concatenated beside one-hot codes still need it. Default true.
    /// </summary>
    public bool StandardizeFeatures = true;

    /// <summary>The update rule. Default <see cref="MlpOptimizer.Adam"/>.</summary>
    public MlpOptimizer Optimizer = MlpOptimizer.Adam;

    /// <summary>The learning rate η. Default 0.003 (suits Adam; SGD usually wants 0.01–0.1). Range: &gt; 0.</summary>
    public float LearningRate = MlpDefaults.LearningRate;

    /// <summary>SGD momentum α in Δw ← η·g + α·Δw_prev. Default 0.9. Range: [0, 1). Ignored by Adam.</summary>
    public float Momentum = 0.9f;

    /// <summary>Use Nesterov momentum with SGD. Default false.</summary>
    public bool UseNesterovMomentum;

    /// <summary>
    /// L2 strength λ: the weight gradient of the batch-mean loss becomes g + λ·w (biases are not regularised).
    /// Default 3e−3 for <see cref="MlpBinaryTrainer"/>, 1e−3 for <see cref="MlpMulticlassTrainer"/>, 0.1 for
    /// <see cref="MlpRegressionTrainer"/> (chosen by 5-fold CV on breast cancer, digits and diabetes). Range: ≥ 0.
    /// </summary>
    public float L2Regularization = MlpDefaults.L2Regularization;

    /// <summary>Probability of dropping each hidden unit per example while training (inverted dropout). Default 0. Range: [0, 1).</summary>
    public float DropoutRate;

    /// <summary>Probability of dropping each weight per mini-batch while training (DropConnect). Default 0. Range: [0, 1).</summary>
    public float DropConnectRate;

    /// <summary>Examples per mini-batch; 1 is pattern mode. Larger than the training set means full batch. Default 32. Range: ≥ 1.</summary>
    public int BatchSize = 32;

    /// <summary>Maximum number of epochs (passes over the training set). Default 200. Range: ≥ 1.</summary>
    public int NumberOfIterations = MlpDefaults.NumberOfIterations;

    /// <summary>Shuffle the training set every epoch (seeded). Default true.</summary>
    public bool Shuffle = true;

    /// <summary>Seed for initial weights, shuffling, dropout and the validation split; null takes one from the MLContext's seed. Default null.</summary>
    public int? Seed;

    /// <summary>
    /// Stop when the validation loss has not improved for <see cref="EarlyStoppingPatience"/> epochs, and return the
    /// weights of the best epoch. The validation set is the one passed to <c>Fit(train, validation)</c>, or else a
    /// seeded <see cref="ValidationFraction"/> split of the training set (stratified for classification). When that
    /// split would hold fewer than 10 rows, training runs without early stopping and says so in the log. Default true.
    /// </summary>
    public bool EarlyStopping = true;

    /// <summary>Fraction of the training set held out for early stopping when no validation set is given. Default 0.2. Range: (0, 1).</summary>
    public float ValidationFraction = 0.2f;

    /// <summary>Epochs without improvement of the validation loss before stopping. Default 20. Range: ≥ 1.</summary>
    public int EarlyStoppingPatience = 20;

    /// <summary>Threads for the matrix products; null uses every core. Results are bit-identical for any value. Default null. Range: ≥ 1.</summary>
    public int? NumberOfThreads;

    /// <summary>Called after every epoch with its losses and time (progress bars, logging, custom stopping by cancelling). Default null.</summary>
    public Action<EpochSummary>? EpochCompleted;

    /// <summary>Checks every option; throws <see cref="ArgumentOutOfRangeException"/> naming the first bad one and its value.</summary>
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
            if (HiddenLayerSizes[i] < 1 || HiddenLayerSizes[i] > MlpDefaults.MaxLayerSize)
                throw new ArgumentOutOfRangeException(nameof(HiddenLayerSizes), HiddenLayerSizes[i],
                    $"{nameof(HiddenLayerSizes)}[{i}] must be in [1, {MlpDefaults.MaxLayerSize}], but is {HiddenLayerSizes[i]}.");
        }
        OptionChecks.Defined(Activation, nameof(Activation));
        OptionChecks.Defined(Optimizer, nameof(Optimizer));
        OptionChecks.Positive(LearningRate, nameof(LearningRate));
        OptionChecks.InRange(Momentum, 0, 1, nameof(Momentum), maximumIncluded: false);
        OptionChecks.NonNegative(L2Regularization, nameof(L2Regularization));
        OptionChecks.InRange(DropoutRate, 0, 1, nameof(DropoutRate), maximumIncluded: false);
        OptionChecks.InRange(DropConnectRate, 0, 1, nameof(DropConnectRate), maximumIncluded: false);
        OptionChecks.AtLeast(BatchSize, 1, nameof(BatchSize));
        OptionChecks.AtLeast(NumberOfIterations, 1, nameof(NumberOfIterations));
        if (!(ValidationFraction > 0 && ValidationFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(ValidationFraction), ValidationFraction, $"{nameof(ValidationFraction)} must be in (0, 1), but is {ValidationFraction}.");
        OptionChecks.AtLeast(EarlyStoppingPatience, 1, nameof(EarlyStoppingPatience));
        if (NumberOfThreads is { } threads)
            OptionChecks.AtLeast(threads, 1, nameof(NumberOfThreads));
    }
}

/// <summary>Defaults shared by the catalog overloads and the options classes.</summary>
internal static class MlpDefaults
{
    public const int HiddenLayerSize = 100;
    public const float LearningRate = 0.003f;
    public const float L2Regularization = 3e-3f;
    public const float MulticlassL2Regularization = 1e-3f;
    public const float RegressionL2Regularization = 0.1f;
    public const int NumberOfIterations = 200;

    /// <summary>Widest layer accepted: keeps a mistyped size from allocating gigabytes before anything else fails.</summary>
    public const int MaxLayerSize = 1 << 16;

    /// <summary>The automatic validation split must hold at least this many rows for early stopping to mean anything.</summary>
    public const int MinValidationRows = 10;
}
