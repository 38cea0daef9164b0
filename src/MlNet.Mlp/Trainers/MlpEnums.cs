namespace MlNet.Mlp;

/// <summary>The activation Φ of the hidden layers of an MLP.</summary>
public enum MlpActivation
{
    /// <summary>Φ(a) = a.</summary>
    Identity,
    /// <summary>Φ(a) = 1/(1 + e^−a).</summary>
    Sigmoid,
    /// <summary>Φ(a) = tanh a.</summary>
    Tanh,
    /// <summary>Φ(a) = max(a, 0).</summary>
    Relu,
    /// <summary>Φ(a) = min(max(a, −1), 1).</summary>
    HardTanh,
}

/// <summary>The update rule of an MLP trainer.</summary>
public enum MlpOptimizer
{
    /// <summary>Stochastic gradient descent with the notes' momentum Δw ← η·g + α·Δw_prev, w ← w − Δw (optionally Nesterov).</summary>
    Sgd,
    /// <summary>Adam (Kingma and Ba), the notes' adaptive learning rates: β1 = 0.9, β2 = 0.999, ε = 1e−8.</summary>
    Adam,
}

/// <summary>The loss a classification MLP minimises.</summary>
public enum MlpLoss
{
    /// <summary>Cross-entropy of the sigmoid (binary) or softmax (multiclass) output, computed from the logits.</summary>
    CrossEntropy,
    /// <summary>The notes' squared error ½ Σ (Y − o)² between the one-hot label and the sigmoid/softmax output.</summary>
    SquaredError,
}
