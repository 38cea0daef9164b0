using System.Runtime.CompilerServices;
using MlNet.Mlp.Kernels;

namespace MlNet.Mlp.Engine;

/// <summary>
/// Forward pass, loss and error backpropagation for one mini-batch of a network, with every buffer allocated once
/// for the largest batch so the training loop allocates nothing per batch.
/// </summary>
/// <remarks>
/// For layer l with input x (the previous layer's output, after dropout), W̃ = W ⊙ M_W (DropConnect) or W:
/// forward a = x·W̃ᵀ + b, h = Φ(a), x_next = h ⊙ M_h (dropout, hidden layers only);
/// backward δ_L = ∂L/∂a_L from the loss, then ∂L/∂W = (δᵀ·x) ⊙ M_W + λW, ∂L/∂b = Σ_rows δ, and
/// δ_(l−1) = (δ·W̃) ⊙ M_h ⊙ Φ'(h_(l−1)). Masks hold 0 or 1/(1−p) (inverted dropout), so nothing changes at
/// inference. The masks are drawn by <see cref="SampleMasks"/> and stay fixed until the next call, which is what
/// lets gradient checks perturb weights under the same masks.
/// </remarks>
internal sealed class Backpropagation
{
    private readonly MlpNetwork network;
    private readonly DenseLayer[] layers;
    private readonly LossFunction loss;
    private readonly float dropoutRate;
    private readonly float dropConnectRate;
    private readonly int numberOfThreads;
    private readonly float labelSmoothing;

    // Per layer, MaxRows×OutputCount: h = Φ(a) before dropout, the layer's output after dropout (the same array
    // when there is no dropout), the dropout mask and δ = ∂L/∂a.
    private readonly float[][] activations;
    private readonly float[][] dropoutOutputs;
    private readonly float[]?[] dropoutMasks;
    private readonly float[][] deltas;
    // Per layer, OutputCount×InputCount: the DropConnect mask and the masked weights W ⊙ M actually used.
    private readonly float[]?[] dropConnectMasks;
    private readonly float[]?[] maskedWeights;
    private readonly float[] outputLogits;

    public Backpropagation(MlpNetwork network, LossFunction loss, int maxRows, float dropoutRate, float dropConnectRate, int numberOfThreads,
        float labelSmoothing = 0f)
    {
        this.network = network;
        layers = network.Layers.ToArray();
        this.loss = loss;
        MaxRows = maxRows;
        this.dropoutRate = dropoutRate;
        this.dropConnectRate = dropConnectRate;
        this.numberOfThreads = numberOfThreads;
        this.labelSmoothing = labelSmoothing;

        int count = layers.Length;
        activations = new float[count][];
        dropoutOutputs = new float[count][];
        dropoutMasks = new float[count][];
        deltas = new float[count][];
        dropConnectMasks = new float[count][];
        maskedWeights = new float[count][];
        WeightGradients = new float[count][];
        BiasGradients = new float[count][];
        for (int l = 0; l < count; l++)
        {
            DenseLayer layer = layers[l];
            int size = maxRows * layer.OutputCount;
            activations[l] = new float[size];
            deltas[l] = new float[size];
            bool hidden = l < count - 1;
            if (hidden && dropoutRate > 0)
            {
                dropoutMasks[l] = new float[size];
                dropoutOutputs[l] = new float[size];
            }
            else
            {
                dropoutOutputs[l] = activations[l];
            }
            if (dropConnectRate > 0)
            {
                dropConnectMasks[l] = new float[layer.WeightArray.Length];
                maskedWeights[l] = new float[layer.WeightArray.Length];
            }
            WeightGradients[l] = new float[layer.WeightArray.Length];
            BiasGradients[l] = new float[layer.OutputCount];
        }
        outputLogits = new float[maxRows * network.OutputCount];
    }

    /// <summary>Threads for the products and the elementwise steps between them; results do not depend on it.</summary>
    public int NumberOfThreads => numberOfThreads;

    /// <summary>Largest batch the buffers hold.</summary>
    public int MaxRows { get; }

    /// <summary>∂L/∂W per layer after <see cref="Backward"/>, including the L2 term λW.</summary>
    public float[][] WeightGradients { get; }

    /// <summary>∂L/∂b per layer after <see cref="Backward"/>.</summary>
    public float[][] BiasGradients { get; }

    /// <summary>The network's outputs Φ(a) for the rows of the last <see cref="Forward"/>.</summary>
    public ReadOnlySpan<float> Outputs => activations[^1];

    /// <summary>Draws new dropout masks for <paramref name="rows"/> rows and new DropConnect masks: each entry is
    /// 0 with probability p, else 1/(1−p). One DropConnect mask is shared by the whole mini-batch.</summary>
    public void SampleMasks(DeterministicRandom random, int rows)
    {
        for (int l = 0; l < layers.Length; l++)
        {
            if (dropoutMasks[l] is { } unitMask)
                FillMask(unitMask.AsSpan(0, rows * layers[l].OutputCount), dropoutRate, random);
            if (dropConnectMasks[l] is { } weightMask)
                FillMask(weightMask, dropConnectRate, random);
        }
    }

    /// <summary>
    /// Forward pass of <paramref name="rows"/> rows of <paramref name="x"/>. In training mode the current masks
    /// apply; otherwise this is exactly inference.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Forward(ReadOnlySpan<float> x, int rows, bool training)
    {
        ReadOnlySpan<float> input = x;
        for (int l = 0; l < layers.Length; l++)
        {
            DenseLayer layer = layers[l];
            int size = rows * layer.OutputCount;
            bool isOutput = l == layers.Length - 1;
            Span<float> h = activations[l].AsSpan(0, size);
            Span<float> a = isOutput ? outputLogits.AsSpan(0, size) : h;
            layer.Forward(input, rows, WeightsInUse(l, training), a, h, numberOfThreads);
            if (training && dropoutMasks[l] is { } mask)
            {
                ParallelElementwise.Map(new MultiplyOperator(), h, mask.AsSpan(0, size), dropoutOutputs[l].AsSpan(0, size), numberOfThreads);
                input = dropoutOutputs[l].AsSpan(0, size);
            }
            else
            {
                input = h;
            }
        }
    }

    /// <summary>
    /// Loss of the last <see cref="Forward"/>: returns Σ w_i·L_i and Σ w_i, and when <paramref name="computeGradient"/>
    /// is set, stores δ_L = ∂L/∂a_L for the weighted batch mean, ready for <see cref="Backward"/>.
    /// </summary>
    public (double WeightedLoss, double WeightSum) Loss(ReadOnlySpan<float> targets, ReadOnlySpan<float> exampleWeights, int rows, bool computeGradient)
    {
        int outputs = network.OutputCount;
        int size = rows * outputs;
        return LossFunctions.Evaluate(loss, network.OutputLayer.Activation, outputLogits.AsSpan(0, size),
            activations[^1].AsSpan(0, size), targets, exampleWeights, rows, outputs,
            computeGradient ? deltas[^1].AsSpan(0, size) : Span<float>.Empty, labelSmoothing, numberOfThreads);
    }

    /// <summary>Σ w_i over the rows of the last <see cref="Forward"/> whose predicted class is the target's.</summary>
    public double WeightedCorrect(ReadOnlySpan<float> targets, ReadOnlySpan<float> exampleWeights, int rows)
    {
        int size = rows * network.OutputCount;
        return LossFunctions.WeightedCorrect(loss, outputLogits.AsSpan(0, size), activations[^1].AsSpan(0, size), targets,
            exampleWeights, rows, network.OutputCount);
    }

    /// <summary>
    /// Backpropagates δ_L from <see cref="Loss"/> through a training-mode <see cref="Forward"/> of the same
    /// <paramref name="x"/>, filling <see cref="WeightGradients"/> (plus λW when <paramref name="l2"/> &gt; 0)
    /// and <see cref="BiasGradients"/>.
    /// </summary>
    public void Backward(ReadOnlySpan<float> x, int rows, float l2) => Backpropagate(x, rows, l2, optimizer: null);

    /// <summary>
    /// <see cref="Backward"/> with <paramref name="optimizer"/>'s step (begun by the caller) applied to each layer as soon
    /// as its parameters are no longer needed: W_l's gradient is computed with the step in the product's epilogue where
    /// the optimiser has that form (see <see cref="Optimizer.TryUpdateInProduct"/>), then b_l is stepped. The parameters
    /// and gradients are those of <see cref="Backward"/> followed by an <see cref="Optimizer.Update"/> of every block.
    /// </summary>
    public void BackwardAndUpdate(ReadOnlySpan<float> x, int rows, float l2, Optimizer optimizer) => Backpropagate(x, rows, l2, optimizer);

    /// <summary>The backward pass, each layer stepped by <paramref name="optimizer"/> when one is given.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Backpropagate(ReadOnlySpan<float> x, int rows, float l2, Optimizer? optimizer)
    {
        for (int l = layers.Length - 1; l >= 0; l--)
        {
            DenseLayer layer = layers[l];
            ReadOnlySpan<float> delta = deltas[l].AsSpan(0, rows * layer.OutputCount);
            ReadOnlySpan<float> input = l == 0 ? x : dropoutOutputs[l - 1].AsSpan(0, rows * layer.InputCount);
            // δ_(l−1) needs W_l as the forward pass used it, so it goes before W_l's step.
            if (l > 0)
                PropagateToPreviousLayer(l, delta, rows);
            ComputeWeightGradientAndStep(l, delta, input, rows, l2, optimizer);
            Kernels.Bias.SumRows(delta, rows, layer.OutputCount, BiasGradients[l], accumulate: false, numberOfThreads);
            optimizer?.Update(2 * l + 1, layer.BiasArray, BiasGradients[l]);
        }
    }

    /// <summary>W_l's gradient, and with an <paramref name="optimizer"/> W_l's step: in the product where it can run there.</summary>
    private void ComputeWeightGradientAndStep(int l, ReadOnlySpan<float> delta, ReadOnlySpan<float> input, int rows, float l2, Optimizer? optimizer)
    {
        DenseLayer layer = layers[l];
        if (optimizer is not null && StepsInProduct(l) && optimizer.TryUpdateInProduct(2 * l,
                new WeightGradientProduct(delta, input, rows, layer.OutputCount, layer.InputCount, layer.WeightArray, WeightGradients[l], l2, numberOfThreads)))
            return;
        ComputeWeightGradient(l, delta, input, rows, l2);
        optimizer?.Update(2 * l, layer.WeightArray, WeightGradients[l]);
    }

    /// <summary>
    /// Whether layer l's optimiser step runs in its weight gradient's epilogue. Not with DropConnect (the gradient is
    /// masked after the product), and only when the layer's inputs are a whole number of vectors: the epilogue steps
    /// each tile's rows, so a row of, say, 23 weights would leave 7 to the scalar form of the step (with Adam a square
    /// root and a division each), where the separate pass over the whole block runs all but its last few in vectors.
    /// Fusing every layer made the panel's small tables (100 hidden units on 5 to 23 features, batches of 32) about 10%
    /// slower in CPU time; with this rule they are level with the separate pass.
    /// </summary>
    private bool StepsInProduct(int l) => dropConnectMasks[l] is null && layers[l].InputCount % ElementwiseLoops.VectorLength == 0;

    /// <summary>∂L/∂W = (δᵀ·x) ⊙ M_W + λW.</summary>
    /// <remarks>Without DropConnect, λW is added to each tile of the product as it is finished.</remarks>
    private unsafe void ComputeWeightGradient(int l, ReadOnlySpan<float> delta, ReadOnlySpan<float> input, int rows, float l2)
    {
        DenseLayer layer = layers[l];
        float[] weightGradient = WeightGradients[l];
        float[]? mask = dropConnectMasks[l];
        if (mask is null && l2 > 0)
        {
            fixed (float* weights = layer.WeightArray)
            {
                Gemm.Multiply(transposeA: true, transposeB: false, layer.OutputCount, layer.InputCount, rows,
                    delta, layer.OutputCount, input, layer.InputCount, weightGradient, layer.InputCount, accumulate: false,
                    new ScaledAddEpilogue(weights, layer.InputCount, l2), numberOfThreads);
            }
            return;
        }
        Gemm.Multiply(transposeA: true, transposeB: false, layer.OutputCount, layer.InputCount, rows,
            delta, layer.OutputCount, input, layer.InputCount, weightGradient, layer.InputCount, accumulate: false, numberOfThreads);
        if (mask is not null)
            ParallelElementwise.Map(new MultiplyOperator(), weightGradient, mask, weightGradient, numberOfThreads);
        if (l2 > 0)
            ParallelElementwise.Map(new MultiplyAddOperator(l2), layer.WeightArray, weightGradient, weightGradient, numberOfThreads);
    }

    /// <summary>δ_(l−1) = (δ_l·W̃_l) ⊙ M_h ⊙ Φ'(h_(l−1)).</summary>
    /// <remarks>Without dropout, Φ' is applied to each tile of the product as it is finished.</remarks>
    private void PropagateToPreviousLayer(int l, ReadOnlySpan<float> delta, int rows)
    {
        DenseLayer layer = layers[l];
        DenseLayer previous = layers[l - 1];
        Span<float> previousDelta = deltas[l - 1].AsSpan(0, rows * previous.OutputCount);
        ReadOnlySpan<float> weights = WeightsInUse(l, training: true);
        if (dropoutMasks[l - 1] is { } mask)
        {
            MultiplyPropagated(layer, delta, rows, weights, previousDelta, new NoEpilogue());
            ParallelElementwise.Map(new MultiplyOperator(), previousDelta, mask.AsSpan(0, previousDelta.Length), previousDelta, numberOfThreads);
            ActivationFunctions.Backward(previous.Activation, activations[l - 1], previousDelta, rows, previous.OutputCount, numberOfThreads);
            return;
        }
        PropagateThroughActivation(layer, previous.Activation, delta, rows, weights, previousDelta, activations[l - 1]);
    }

    /// <summary>δ_(l−1) = (δ_l·W̃_l) ⊙ Φ'(h_(l−1)) with Φ' in the product's epilogue.</summary>
    private unsafe void PropagateThroughActivation(DenseLayer layer, Activation previousActivation, ReadOnlySpan<float> delta, int rows,
        ReadOnlySpan<float> weights, Span<float> previousDelta, float[] previousOutputs)
    {
        int ldh = layer.InputCount;
        fixed (float* h = previousOutputs)
        {
            switch (previousActivation)
            {
                case Activation.Identity:
                    MultiplyPropagated(layer, delta, rows, weights, previousDelta, new NoEpilogue());
                    break;
                case Activation.Sigmoid:
                    MultiplyPropagated(layer, delta, rows, weights, previousDelta, new ActivationBackwardEpilogue<SigmoidBackwardOperator>(h, ldh));
                    break;
                case Activation.Tanh:
                    MultiplyPropagated(layer, delta, rows, weights, previousDelta, new ActivationBackwardEpilogue<TanhBackwardOperator>(h, ldh));
                    break;
                case Activation.Relu:
                    MultiplyPropagated(layer, delta, rows, weights, previousDelta, new ActivationBackwardEpilogue<ReluBackwardOperator>(h, ldh));
                    break;
                case Activation.HardTanh:
                    MultiplyPropagated(layer, delta, rows, weights, previousDelta, new ActivationBackwardEpilogue<HardTanhBackwardOperator>(h, ldh));
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(previousActivation), previousActivation, "Not a hidden-layer activation.");
            }
        }
    }

    /// <summary>δ_l·W̃_l (rows × the layer's inputs) into <paramref name="previousDelta"/>, finished by <paramref name="epilogue"/>.</summary>
    private void MultiplyPropagated<TEpilogue>(DenseLayer layer, ReadOnlySpan<float> delta, int rows, ReadOnlySpan<float> weights,
        Span<float> previousDelta, in TEpilogue epilogue) where TEpilogue : struct, IGemmEpilogue =>
        Gemm.Multiply(transposeA: false, transposeB: false, rows, layer.InputCount, layer.OutputCount,
            delta, layer.OutputCount, weights, layer.InputCount, previousDelta, layer.InputCount, accumulate: false, epilogue, numberOfThreads);

    /// <summary>W, or in training with DropConnect, W ⊙ M recomputed from the current W (so weight updates and
    /// gradient-check perturbations are seen).</summary>
    private ReadOnlySpan<float> WeightsInUse(int l, bool training)
    {
        float[] weights = layers[l].WeightArray;
        if (!training || dropConnectMasks[l] is not { } mask)
            return weights;
        float[] masked = maskedWeights[l]!;
        ParallelElementwise.Map(new MultiplyOperator(), weights, mask, masked, numberOfThreads);
        return masked;
    }

    private static void FillMask(Span<float> mask, float rate, DeterministicRandom random)
    {
        float kept = 1f / (1f - rate);
        for (int i = 0; i < mask.Length; i++)
            mask[i] = random.NextFloat() < rate ? 0f : kept;
    }
}
