namespace MlNet.Mlp.Engine;

/// <summary>
/// A network's full-batch training objective as a function of all its parameters in one vector (each layer's weights
/// then biases, input side first): f = Σ w_i·L_i / Σ w_i + ½λ‖W‖² over the whole training set, with the gradient,
/// computed by the run's <see cref="Backpropagation"/> a chunk of rows at a time in a fixed order, so the result is the
/// same for any thread count.
/// </summary>
internal sealed class NetworkObjective : IDifferentiableFunction
{
    private readonly MlpNetwork network;
    private readonly Func<int, int, (double WeightedLoss, double WeightSum)> chunkGradient;
    private readonly Backpropagation backpropagation;
    // The vector's blocks in order, and the gradient blocks that match them: the arrays live as long as the run.
    private readonly float[][] parameterBlocks;
    private readonly float[][] gradientBlocks;
    private readonly int rowCount;
    private readonly float l2;

    /// <param name="network">The network whose parameters the vector holds; evaluations overwrite them.</param>
    /// <param name="backpropagation">The run's backpropagation, whose gradients each chunk fills.</param>
    /// <param name="rowCount">Rows of the training set.</param>
    /// <param name="l2">λ.</param>
    /// <param name="chunkGradient">For rows [start, start + count): forward, loss and backward with λ; returns Σ w_i·L_i and Σ w_i.</param>
    public NetworkObjective(MlpNetwork network, Backpropagation backpropagation, int rowCount, float l2,
        Func<int, int, (double WeightedLoss, double WeightSum)> chunkGradient)
    {
        this.network = network;
        this.backpropagation = backpropagation;
        this.rowCount = rowCount;
        this.l2 = l2;
        this.chunkGradient = chunkGradient;
        parameterBlocks = network.Layers.SelectMany(layer => new[] { layer.WeightArray, layer.BiasArray }).ToArray();
        gradientBlocks = Enumerable.Range(0, network.Layers.Count)
            .SelectMany(l => new[] { backpropagation.WeightGradients[l], backpropagation.BiasGradients[l] }).ToArray();
        Dimension = parameterBlocks.Sum(block => block.Length);
    }

    public int Dimension { get; }

    /// <summary>The network's parameters as one vector.</summary>
    public double[] Read()
    {
        var x = new double[Dimension];
        int offset = 0;
        foreach (float[] block in parameterBlocks)
        {
            for (int i = 0; i < block.Length; i++)
                x[offset + i] = block[i];
            offset += block.Length;
        }
        return x;
    }

    /// <summary>Sets the network's parameters from a vector.</summary>
    public void Write(ReadOnlySpan<double> x)
    {
        int offset = 0;
        foreach (float[] block in parameterBlocks)
        {
            for (int i = 0; i < block.Length; i++)
                block[i] = (float)x[offset + i];
            offset += block.Length;
        }
    }

    public double Evaluate(ReadOnlySpan<double> x, Span<double> gradient)
    {
        Write(x);
        gradient.Clear();
        double lossSum = 0, weightSum = 0;
        // Each chunk's gradient is of its weighted mean: scaled by its weight, they sum to the gradient of the
        // whole set's weighted mean once divided by the total weight.
        for (int start = 0; start < rowCount; start += backpropagation.MaxRows)
        {
            int rows = Math.Min(backpropagation.MaxRows, rowCount - start);
            (double chunkLoss, double chunkWeight) = chunkGradient(start, rows);
            lossSum += chunkLoss;
            weightSum += chunkWeight;
            Accumulate(gradient, chunkWeight);
        }
        double inverse = weightSum > 0 ? 1 / weightSum : 0;
        for (int i = 0; i < gradient.Length; i++)
            gradient[i] *= inverse;
        return lossSum * inverse + 0.5 * l2 * network.SquaredWeightNorm();
    }

    private void Accumulate(Span<double> gradient, double chunkWeight)
    {
        int offset = 0;
        foreach (float[] block in gradientBlocks)
        {
            for (int i = 0; i < block.Length; i++)
                gradient[offset + i] += chunkWeight * block[i];
            offset += block.Length;
        }
    }
}
