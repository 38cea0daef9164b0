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
        CheckBlock(block, parameters.Length, gradient.Length);
        UpdateBlock(block, parameters, gradient);
    }

    /// <summary>
    /// The engine's start of a mini-batch step: <see cref="BeginStep(float)"/>, with the training run's threads for
    /// the update loops.
    /// </summary>
    internal void BeginStep(float learningRate, int numberOfThreads)
    {
        NumberOfThreads = numberOfThreads;
        BeginStep(learningRate);
    }

    /// <summary>
    /// Runs <paramref name="product"/>, weight block <paramref name="block"/>'s gradient, with this rule's step applied
    /// to each tile as the product finishes it: the same weights as the product followed by <see cref="Update"/>, in
    /// one pass over W instead of three. False, with nothing run, for a rule that has no such form.
    /// </summary>
    internal bool TryUpdateInProduct(int block, in WeightGradientProduct product)
    {
        CheckBlock(block, product.Weights.Length, product.Gradient.Length);
        return UpdateBlockInProduct(block, product);
    }

    private void CheckBlock(int block, int parameters, int gradients)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(block);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(block, blockSizes.Length);
        if (parameters != blockSizes[block] || gradients != blockSizes[block])
            throw new ArgumentException($"Block {block} has {blockSizes[block]} parameters; got {parameters} parameters and {gradients} gradients.");
        if (StepCount == 0)
            throw new InvalidOperationException("Call BeginStep before the first Update.");
    }

    /// <summary>
    /// Threads the update loops may use: the training run's, from <see cref="BeginStep(float, int)"/>; 1 for direct
    /// <see cref="Update"/> calls. The kernels give the same result for any value.
    /// </summary>
    protected int NumberOfThreads { get; private set; } = 1;

    /// <summary>Allocates one zeroed state array per block (velocities, moments).</summary>
    protected float[][] CreateState() => blockSizes.Select(size => new float[size]).ToArray();

    /// <summary>The update rule proper; arguments are already validated.</summary>
    protected abstract void UpdateBlock(int block, Span<float> parameters, ReadOnlySpan<float> gradient);

    /// <summary>The rule run in a weight gradient's product (see <see cref="TryUpdateInProduct"/>); none by default.</summary>
    private protected virtual bool UpdateBlockInProduct(int block, in WeightGradientProduct product) => false;
}
