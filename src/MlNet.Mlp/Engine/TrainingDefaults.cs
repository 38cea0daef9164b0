namespace MlNet.Mlp.Engine;

/// <summary>
/// Every default of MlNet.Mlp's MLP training, declared once: the engine's <see cref="TrainingOptions"/> and the ML.NET
/// trainers' options (all of them: binary, multiclass, regression, multi-output, multi-label) start from these. They
/// were chosen on the accuracy panel, 5-fold cross-validation on ten public tables plus the four sets in data/, for the
/// general case rather than any one set; the figures behind each choice are in docs/accuracy.md.
/// </summary>
public static class TrainingDefaults
{
    /// <summary>One hidden layer of 100 (scikit-learn's default): 256 units or two layers gained nothing on the panel at 2–3× the time.</summary>
    public const int HiddenLayerSize = 100;

    /// <summary>Median/IQR scaling with a smooth clip: skewed columns (counts, prices) cost standardisation up to 0.02.</summary>
    public const FeatureScalingKind FeatureScaling = FeatureScalingKind.Robust;

    /// <summary>Three averaged networks: +0.004 to +0.03 over one on most panel sets, well inside the time budget there.</summary>
    public const int EnsembleSize = 3;

    /// <summary>The largest EnsembleSize accepted.</summary>
    public const int MaxEnsembleSize = 64;
    /// <summary>At most 200 epochs (scikit-learn's max_iter); early stopping usually ends well before.</summary>
    public const int NumberOfIterations = 200;
    /// <summary>Mini-batches of 32: 64 was faster but lost on the smallest sets (pd_speech −0.012).</summary>
    public const int BatchSize = 32;

    /// <summary>AdamW with decoupled decay: regression R² up to +0.03 over Adam with L2, classification level.</summary>
    public const OptimizerKind Optimizer = OptimizerKind.AdamW;

    /// <summary>η 0.003: 0.001 lost 0.01 on biomass and pd_speech.</summary>
    public const float LearningRate = 0.003f;
    /// <summary>A constant η: cosine and ReduceOnPlateau were level with it on the panel under early stopping.</summary>
    public const LearningRateScheduleKind LearningRateSchedule = LearningRateScheduleKind.Constant;
    /// <summary>No warm-up for the cosine schedule.</summary>
    public const int WarmupEpochs = 0;
    /// <summary>The schedules' floor: 1% of η.</summary>
    public const float MinimumLearningRateFraction = 0.01f;
    /// <summary>ReduceOnPlateau divides η by 5, as scikit-learn's 'adaptive' does.</summary>
    public const float LearningRateDecayFactor = 0.2f;
    /// <summary>ReduceOnPlateau waits 5 epochs without improvement.</summary>
    public const int LearningRatePatience = 5;
    /// <summary>SGD momentum α.</summary>
    public const float Momentum = 0.9f;
    /// <summary>The notes' classical momentum.</summary>
    public const bool UseNesterovMomentum = false;
    /// <summary>Adam's β1 (Kingma and Ba).</summary>
    public const float AdamBeta1 = 0.9f;
    /// <summary>Adam's β2 (Kingma and Ba).</summary>
    public const float AdamBeta2 = 0.999f;
    /// <summary>Adam's ε (Kingma and Ba).</summary>
    public const float AdamEpsilon = 1e-8f;

    /// <summary>No coupled L2 by default: AdamW's decay regularises instead, for every task alike.</summary>
    public const float L2Regularization = 0f;

    /// <summary>AdamW's decay d: 0.1 beat 0.01 and 0.3 on the panel's regressions and tied on classification.</summary>
    public const float WeightDecay = 0.1f;

    /// <summary>No dropout: 0.1 cost 0.01 R² on biomass and doubled the time; it helps image data (Fashion-MNIST +0.006).</summary>
    public const float DropoutRate = 0f;
    /// <summary>No DropConnect.</summary>
    public const float DropConnectRate = 0f;

    /// <summary>No smoothing: +0.008 on digits, −0.016 on pd_speech, level elsewhere.</summary>
    public const float LabelSmoothing = 0f;

    /// <summary>Reshuffle every epoch.</summary>
    public const bool Shuffle = true;
    /// <summary>Early stopping on a 20% split, keeping the best epoch's weights.</summary>
    public const bool EarlyStopping = true;

    /// <summary>
    /// Validation accuracy for classification (the loss for other networks): the loss rises from over-confidence while
    /// accuracy still improves, and stopping on it under-trains (Fashion-MNIST 0.865 → 0.881).
    /// </summary>
    public const EarlyStoppingMetric StoppingMetric = EarlyStoppingMetric.Accuracy;

    /// <summary>The notes' 80/20 split.</summary>
    public const float ValidationFraction = 0.2f;

    /// <summary>40 epochs without improvement: 20 stopped a little early on the small regressions.</summary>
    public const int EarlyStoppingPatience = 40;

    /// <summary>Keras's min_delta and scikit-learn's tol.</summary>
    public const double EarlyStoppingMinImprovement = 1e-4;
    /// <summary>scikit-learn's max_fun for L-BFGS.</summary>
    public const int MaximumFunctionEvaluations = 15000;
    /// <summary>L-BFGS remembers 10 steps (SciPy's maxcor).</summary>
    public const int LbfgsHistorySize = 10;

    /// <summary>The automatic validation split must hold at least this many rows for early stopping to mean anything.</summary>
    public const int MinValidationRows = 10;

    /// <summary>Widest layer accepted: keeps a mistyped size from allocating gigabytes before anything else fails.</summary>
    public const int MaxLayerSize = 1 << 16;
}
