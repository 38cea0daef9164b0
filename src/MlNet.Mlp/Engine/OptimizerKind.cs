namespace MlNet.Mlp.Engine;

/// <summary>Which update rule <see cref="MlpTrainer"/> uses. The values are fixed: a test pins them.</summary>
public enum OptimizerKind
{
    /// <summary><see cref="SgdOptimizer"/>: SGD with optional (Nesterov) momentum.</summary>
    Sgd = 0,
    /// <summary><see cref="AdamOptimizer"/> with the L2 term coupled into the gradient.</summary>
    Adam = 1,
    /// <summary><see cref="AdamOptimizer"/> with decoupled weight decay (Loshchilov and Hutter), biases not decayed.</summary>
    AdamW = 2,
    /// <summary>Full-batch L-BFGS with a line search (<see cref="LbfgsSolver"/>): for small training sets.</summary>
    Lbfgs = 3,
}
