namespace MlNet.Mlp;

/// <summary>The activation Φ of the hidden layers of an MLP. The values are fixed (a test pins them).</summary>
public enum MlpActivation
{
    /// <summary>Φ(a) = a.</summary>
    Identity = 0,
    /// <summary>Φ(a) = 1/(1 + e^−a).</summary>
    Sigmoid = 1,
    /// <summary>Φ(a) = tanh a.</summary>
    Tanh = 2,
    /// <summary>Φ(a) = max(a, 0).</summary>
    Relu = 3,
    /// <summary>Φ(a) = min(max(a, −1), 1).</summary>
    HardTanh = 4,
}

/// <summary>The update rule of an MLP trainer. The values are fixed (a test pins them).</summary>
public enum MlpOptimizer
{
    /// <summary>Stochastic gradient descent with the notes' momentum Δw ← η·g + α·Δw_prev, w ← w − Δw (optionally Nesterov).</summary>
    Sgd = 0,
    /// <summary>Adam (Kingma and Ba), the notes' adaptive learning rates: β1 = 0.9, β2 = 0.999, ε = 1e−8.</summary>
    Adam = 1,
    /// <summary>Adam with decoupled weight decay (Loshchilov and Hutter): w ← w − η_t·WeightDecay·w on weights, not biases, before each Adam step.</summary>
    AdamW = 2,
    /// <summary>Full-batch L-BFGS with a strong-Wolfe line search, for small training sets: ignores BatchSize, LearningRate, the schedule and momentum.</summary>
    Lbfgs = 3,
}

/// <summary>The loss a classification MLP minimises. The values are fixed (a test pins them).</summary>
public enum MlpLoss
{
    /// <summary>Cross-entropy of the sigmoid (binary) or softmax (multiclass) output, computed from the logits.</summary>
    CrossEntropy = 0,
    /// <summary>The notes' squared error ½ Σ (Y − o)² between the one-hot label and the sigmoid/softmax output.</summary>
    SquaredError = 1,
}

/// <summary>How the learning rate of the mini-batch optimisers changes during training. The values are fixed (a test pins them).</summary>
public enum MlpLearningRateSchedule
{
    /// <summary>η_t = LearningRate throughout.</summary>
    Constant = 0,
    /// <summary>η_t multiplied by LearningRateDecayFactor whenever the monitored loss has not improved for LearningRatePatience epochs (scikit-learn's 'adaptive', Keras' ReduceLROnPlateau).</summary>
    ReduceOnPlateau = 1,
    /// <summary>A linear warm-up over WarmupEpochs, then a half cosine down to LearningRate·MinimumLearningRateFraction at the last epoch.</summary>
    Cosine = 2,
}

/// <summary>What early stopping watches on the validation set. The values are fixed (a test pins them).</summary>
public enum MlpEarlyStoppingMetric
{
    /// <summary>The validation loss.</summary>
    Loss = 0,
    /// <summary>The validation accuracy; at equal accuracy, a lower validation loss counts as an improvement.</summary>
    Accuracy = 1,
}

/// <summary>Weights per class that multiply the example weights of classification training. The values are fixed (a test pins them).</summary>
public enum MlpClassWeighting
{
    /// <summary>Every class weighs 1.</summary>
    None = 0,
    /// <summary>Class c weighs n / (K·n_c) (scikit-learn's 'balanced'): n training rows (weighted), K classes present, n_c rows of class c.</summary>
    Balanced = 1,
}

/// <summary>How an MLP trainer scales the features before training. The values are fixed (a test pins them).</summary>
public enum MlpFeatureScaling
{
    /// <summary>The features go to the first layer as they are.</summary>
    None = 0,
    /// <summary>
    /// Centre and scale each feature to mean 0 and standard deviation 1 over the training rows, folded into the first
    /// layer afterwards, so the model takes the raw features at no cost.
    /// </summary>
    Standardize = 1,
    /// <summary>
    /// Centre each feature on its median, divide by its interquartile range (half its range when that is 0) and clip
    /// smoothly into (−3, 3) by z / √(1 + (z/3)²): robust to skewed columns and outliers. The model keeps this as its
    /// input stage.
    /// </summary>
    Robust = 2,
}
