namespace MlNet.Mlp.Engine;

/// <summary>
/// A first-order update rule over parameter blocks (for a network: W₀, b₀, W₁, b₁, … in layer order, see
/// <see cref="ParameterBlockSizes"/>). Per mini-batch, call <see cref="BeginStep(float)"/> once with that step's
/// learning rate (a <see cref="LearningRateSchedule"/> gives it), then <see cref="Update"/> once per block with that
/// block's gradient (L2 already added to weight gradients).
/// </summary>
public abstract class Optimizer
{
    private readonly int[] blockSizes;

    /// <summary>Creates the optimiser for blocks of the given sizes.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The learning rate is not positive and finite.</exception>
    protected Optimizer(IReadOnlyList<int> parameterBlockSizes, float learningRate)
    {
        ArgumentNullException.ThrowIfNull(parameterBlockSizes);
        if (!(learningRate > 0) || !float.IsFinite(learningRate))
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "The learning rate must be positive and finite.");
        blockSizes = parameterBlockSizes.ToArray();
        LearningRate = learningRate;
    }

    /// <summary>The learning rate η of the current step.</summary>
    public float LearningRate { get; private set; }

    /// <summary>Number of <see cref="BeginStep()"/> calls so far: t in Adam's bias corrections.</summary>
    public int StepCount { get; private set; }

    /// <summary>Number of parameter blocks.</summary>
    public int BlockCount => blockSizes.Length;

    /// <summary>Sizes of a network's parameter blocks: weights then biases of each layer, input side first.</summary>
    public static int[] ParameterBlockSizes(MlpNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        return network.Layers.SelectMany(layer => new[] { layer.Weights.Length, layer.Bias.Length }).ToArray();
    }

    /// <summary>
    /// Which blocks are weights rather than biases: every even block of <see cref="ParameterBlockSizes"/>. Weight
    /// decay applies to these only.
    /// </summary>
    public static bool[] WeightBlocks(MlpNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        return network.Layers.SelectMany(_ => new[] { true, false }).ToArray();
    }

    /// <summary>Starts the update for one mini-batch at the current learning rate.</summary>
    public void BeginStep() => StepCount++;

    /// <summary>
    /// Starts the update for one mini-batch at learning rate <paramref name="learningRate"/> (0 is allowed: a schedule
    /// may end there).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The learning rate is negative or not finite.</exception>
    public void BeginStep(float learningRate)
    {
        if (!(learningRate >= 0) || !float.IsFinite(learningRate))
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "The learning rate must be zero or positive and finite.");
        LearningRate = learningRate;
        StepCount++;
    }

    /// <summary>Applies the update rule to block <paramref name="block"/> given its gradient.</summary>
    /// <exception cref="InvalidOperationException"><see cref="BeginStep()"/> was never called.</exception>
    public void Update(int block, Span<float> parameters, ReadOnlySpan<float> gradient)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(block);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(block, blockSizes.Length);
        if (parameters.Length != blockSizes[block] || gradient.Length != blockSizes[block])
            throw new ArgumentException($"Block {block} has {blockSizes[block]} parameters; got {parameters.Length} parameters and {gradient.Length} gradients.");
        if (StepCount == 0)
            throw new InvalidOperationException("Call BeginStep before the first Update.");
        UpdateBlock(block, parameters, gradient);
    }

    /// <summary>
    /// One whole step for <paramref name="network"/> at <paramref name="learningRate"/>: <see cref="BeginStep(float)"/>,
    /// then every layer's weights and biases updated with the gradients <paramref name="backpropagation"/> holds from
    /// its last backward pass.
    /// </summary>
    internal void ApplyGradients(MlpNetwork network, Backpropagation backpropagation, float learningRate)
    {
        NumberOfThreads = backpropagation.NumberOfThreads;
        BeginStep(learningRate);
        for (int l = 0; l < network.Layers.Count; l++)
        {
            DenseLayer layer = network.Layers[l];
            Update(2 * l, layer.WeightArray, backpropagation.WeightGradients[l]);
            Update(2 * l + 1, layer.BiasArray, backpropagation.BiasGradients[l]);
        }
    }

    /// <summary>
    /// Threads the update loops may use: the training run's, from <see cref="ApplyGradients"/>; 1 for direct
    /// <see cref="Update"/> calls. The kernels give the same result for any value.
    /// </summary>
    protected int NumberOfThreads { get; private set; } = 1;

    /// <summary>Allocates one zeroed state array per block (velocities, moments).</summary>
    protected float[][] CreateState() => blockSizes.Select(size => new float[size]).ToArray();

    /// <summary>The update rule proper; arguments are already validated.</summary>
    protected abstract void UpdateBlock(int block, Span<float> parameters, ReadOnlySpan<float> gradient);
}
