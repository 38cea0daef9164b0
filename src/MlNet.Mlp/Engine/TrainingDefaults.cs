namespace MlNet.Mlp.Engine;

/// <summary>
/// Every default of MlNet.Mlp's MLP training, declared once: the engine's <see cref="TrainingOptions"/> and the ML.NET
/// trainers' options both start from these. How each was chosen is in docs/accuracy.md.
/// </summary>
public static class TrainingDefaults
{
    public const int HiddenLayerSize = 100;
    public const FeatureScalingKind FeatureScaling = FeatureScalingKind.Standardize;
    public const int EnsembleSize = 1;
    public const int MaxEnsembleSize = 64;
    public const int NumberOfIterations = 200;
    public const int BatchSize = 32;
    public const OptimizerKind Optimizer = OptimizerKind.Adam;
    public const float LearningRate = 0.003f;
    public const LearningRateScheduleKind LearningRateSchedule = LearningRateScheduleKind.Constant;
    public const int WarmupEpochs = 0;
    public const float MinimumLearningRateFraction = 0.01f;
    public const float LearningRateDecayFactor = 0.2f;
    public const int LearningRatePatience = 5;
    public const float Momentum = 0.9f;
    public const bool UseNesterovMomentum = false;
    public const float AdamBeta1 = 0.9f;
    public const float AdamBeta2 = 0.999f;
    public const float AdamEpsilon = 1e-8f;
    public const float L2Regularization = 3e-3f;
    public const float MulticlassL2Regularization = 1e-3f;
    public const float RegressionL2Regularization = 0.1f;
    public const float WeightDecay = 0f;
    public const float DropoutRate = 0f;
    public const float DropConnectRate = 0f;
    public const float LabelSmoothing = 0f;
    public const bool Shuffle = true;
    public const bool EarlyStopping = true;
    public const EarlyStoppingMetric StoppingMetric = EarlyStoppingMetric.Loss;
    public const float ClassificationLabelSmoothing = 0f;
    public const float ValidationFraction = 0.2f;
    public const int EarlyStoppingPatience = 20;
    public const double EarlyStoppingMinImprovement = 1e-4;
    public const int MaximumFunctionEvaluations = 15000;
    public const int LbfgsHistorySize = 10;

    /// <summary>The automatic validation split must hold at least this many rows for early stopping to mean anything.</summary>
    public const int MinValidationRows = 10;

    /// <summary>Widest layer accepted: keeps a mistyped size from allocating gigabytes before anything else fails.</summary>
    public const int MaxLayerSize = 1 << 16;
}
