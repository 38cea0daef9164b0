using System.Buffers;

namespace MlNet.Mlp.Engine;

/// <summary>
/// A multilayer perceptron: a stack of <see cref="DenseLayer"/>s where each layer's input count equals the previous
/// layer's output count. The last layer is the output layer; only it may use <see cref="Activation.Softmax"/>.
/// An optional input stage (<see cref="InputScaling"/>) scales the features before the first layer when predicting.
/// </summary>
/// <remarks>
/// Prediction methods are safe to call concurrently: each call rents its own scratch buffers. Training never
/// mutates a network passed to it (<see cref="MlpTrainer.Train"/> works on a copy).
/// </remarks>
public sealed class MlpNetwork
{
    private readonly DenseLayer[] layers;
    private readonly int widestLayer;

    /// <summary>Builds a network from existing layers (e.g. deserialised ones); the layers are copied.</summary>
    /// <param name="layers">The layers, input side first.</param>
    /// <param name="inputScaling">An input stage applied to the features before the first layer, or null.</param>
    /// <exception cref="ArgumentException">No layers, sizes that do not chain, softmax on a hidden layer, or an input
    /// stage for another number of features.</exception>
    public MlpNetwork(IEnumerable<DenseLayer> layers, RobustFeatureScaling? inputScaling = null)
    {
        ArgumentNullException.ThrowIfNull(layers);
        this.layers = layers.Select(layer => layer.Clone()).ToArray();
        if (this.layers.Length == 0)
            throw new ArgumentException("A network needs at least one layer.", nameof(layers));
        for (int l = 1; l < this.layers.Length; l++)
        {
            if (this.layers[l].InputCount != this.layers[l - 1].OutputCount)
                throw new ArgumentException($"Layer {l} expects {this.layers[l].InputCount} inputs but layer {l - 1} has {this.layers[l - 1].OutputCount} outputs.", nameof(layers));
            if (this.layers[l - 1].Activation == Activation.Softmax)
                throw new ArgumentException($"Softmax is an output activation; hidden layer {l - 1} cannot use it.", nameof(layers));
        }
        widestLayer = this.layers.Max(layer => layer.OutputCount);
        if (inputScaling is not null && inputScaling.FeatureCount != this.layers[0].InputCount)
            throw new ArgumentException($"The input stage scales {inputScaling.FeatureCount} features but the first layer takes {this.layers[0].InputCount}.", nameof(inputScaling));
        InputScaling = inputScaling;
    }

    /// <summary>
    /// The input stage applied to the features before the first layer when predicting, or null. Training runs on
    /// features already scaled by it (see the trainers), so the layers themselves never see raw features.
    /// </summary>
    public RobustFeatureScaling? InputScaling { get; }

    /// <summary>
    /// A freshly initialised network: input → hidden layers (sizes <paramref name="hiddenLayerSizes"/>, may be empty,
    /// all with <paramref name="hiddenActivation"/>) → <paramref name="outputCount"/> outputs with
    /// <paramref name="outputActivation"/>. Weights are Glorot-uniform, or He-uniform for ReLU layers, drawn from
    /// <paramref name="seed"/>; biases are 0. The same arguments always give the same weights.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive, or an activation is unknown or not allowed there.</exception>
    public static MlpNetwork CreateInitialized(int inputCount, IReadOnlyList<int> hiddenLayerSizes, Activation hiddenActivation,
        int outputCount, Activation outputActivation, int seed)
    {
        ArgumentNullException.ThrowIfNull(hiddenLayerSizes);
        ArgumentOutOfRangeException.ThrowIfLessThan(inputCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outputCount, 1);
        for (int l = 0; l < hiddenLayerSizes.Count; l++)
            if (hiddenLayerSizes[l] < 1)
                throw new ArgumentOutOfRangeException(nameof(hiddenLayerSizes), hiddenLayerSizes[l], $"Hidden layer {l} must have at least one unit.");
        if (hiddenActivation == Activation.Softmax || !Enum.IsDefined(hiddenActivation))
            throw new ArgumentOutOfRangeException(nameof(hiddenActivation), hiddenActivation, "Hidden layers take Identity, Sigmoid, Tanh, Relu or HardTanh.");
        if (!Enum.IsDefined(outputActivation))
            throw new ArgumentOutOfRangeException(nameof(outputActivation), outputActivation, "Unknown activation.");

        var random = new DeterministicRandom(seed, DeterministicRandom.Stream.Initialization);
        var created = new List<DenseLayer>();
        int previous = inputCount;
        foreach (int size in hiddenLayerSizes)
        {
            created.Add(WeightInitialization.CreateLayer(previous, size, hiddenActivation, random));
            previous = size;
        }
        created.Add(WeightInitialization.CreateLayer(previous, outputCount, outputActivation, random));
        return new MlpNetwork(created);
    }

    /// <summary>The layers, input side first; the last is the output layer.</summary>
    public IReadOnlyList<DenseLayer> Layers => layers;

    /// <summary>Number of input features.</summary>
    public int InputCount => layers[0].InputCount;

    /// <summary>Number of outputs (classes for softmax output).</summary>
    public int OutputCount => layers[^1].OutputCount;

    /// <summary>The output layer.</summary>
    public DenseLayer OutputLayer => layers[^1];

    /// <summary>A deep copy.</summary>
    public MlpNetwork Clone() => new(layers, InputScaling);

    /// <summary>A copy with <paramref name="inputScaling"/> as its input stage (null: none).</summary>
    public MlpNetwork WithInputScaling(RobustFeatureScaling? inputScaling) => new(layers, inputScaling);

    /// <summary>
    /// A copy whose output layer has the Identity activation: it computes the output layer's pre-activations (the
    /// logits of a sigmoid or softmax output) with the same weights.
    /// </summary>
    public MlpNetwork WithIdentityOutput()
    {
        DenseLayer output = OutputLayer;
        return new MlpNetwork(layers.Take(layers.Length - 1).Append(new DenseLayer(output.InputCount, output.OutputCount, Activation.Identity, output.Weights, output.Bias)),
            InputScaling);
    }

    /// <summary>
    /// Forward pass for one example: <paramref name="output"/> = Φ_L(W_L·…Φ_1(W_1·x + b_1)… + b_L). For a softmax
    /// output these are class probabilities; for a sigmoid output, probabilities of the positive class.
    /// </summary>
    public void Predict(ReadOnlySpan<float> features, Span<float> output)
    {
        CheckShapes(features.Length, output.Length, 1);
        float[] scratch = ArrayPool<float>.Shared.Rent(2 * widestLayer + (InputScaling is null ? 0 : InputCount));
        try
        {
            Span<float> a = scratch.AsSpan(0, layers[0].OutputCount);
            layers[0].ComputePreActivations(ScaledInput(features, scratch.AsSpan(2 * widestLayer)), a);
            ForwardFromFirstPreActivations(scratch, output);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(scratch);
        }
    }

    /// <summary>The first <see cref="InputCount"/> features, through the input stage into <paramref name="buffer"/> when there is one.</summary>
    private ReadOnlySpan<float> ScaledInput(ReadOnlySpan<float> features, Span<float> buffer)
    {
        if (InputScaling is null)
            return features[..InputCount];
        InputScaling.Apply(features[..InputCount], buffer);
        return buffer[..InputCount];
    }

    /// <summary>
    /// Forward pass for one example given by its non-zero features: x[indices[k]] = values[k], every other feature 0.
    /// The first layer then costs (stored values × units) instead of (features × units), which is what makes
    /// scoring wide sparse rows (bag-of-words text) cheap.
    /// </summary>
    /// <exception cref="ArgumentException">The spans differ in length, an index is out of range, or the output has the wrong length.</exception>
    public void Predict(ReadOnlySpan<int> indices, ReadOnlySpan<float> values, Span<float> output)
    {
        if (indices.Length != values.Length)
            throw new ArgumentException($"{indices.Length} indices but {values.Length} values.", nameof(values));
        CheckShapes(InputCount, output.Length, 1);
        foreach (int index in indices)
        {
            if ((uint)index >= (uint)InputCount)
                throw new ArgumentException($"Feature index {index} is outside the network's {InputCount} inputs.", nameof(indices));
        }
        if (InputScaling is not null)
        {
            // The input stage moves zeros (a feature's median need not be 0): the row is scored densely.
            float[] dense = ArrayPool<float>.Shared.Rent(InputCount);
            try
            {
                dense.AsSpan(0, InputCount).Clear();
                for (int k = 0; k < indices.Length; k++)
                    dense[indices[k]] = values[k];
                Predict(dense.AsSpan(0, InputCount), output);
            }
            finally
            {
                ArrayPool<float>.Shared.Return(dense);
            }
            return;
        }
        float[] scratch = ArrayPool<float>.Shared.Rent(2 * widestLayer);
        try
        {
            Span<float> a = scratch.AsSpan(0, layers[0].OutputCount);
            layers[0].ComputePreActivations(indices, values, a);
            ForwardFromFirstPreActivations(scratch, output);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(scratch);
        }
    }

    /// <summary>
    /// Finishes a one-example forward pass whose first-layer pre-activations are at the start of
    /// <paramref name="scratch"/>: layers alternate between its two halves, each reading the half the previous wrote.
    /// </summary>
    private void ForwardFromFirstPreActivations(float[] scratch, Span<float> output)
    {
        Span<float> a = scratch.AsSpan(0, layers[0].OutputCount);
        ActivationFunctions.Forward(layers[0].Activation, a, a, 1, layers[0].OutputCount);
        ReadOnlySpan<float> input = a;
        for (int l = 1; l < layers.Length; l++)
        {
            DenseLayer layer = layers[l];
            a = scratch.AsSpan((l % 2) * widestLayer, layer.OutputCount);
            layer.ComputePreActivations(input, a);
            ActivationFunctions.Forward(layer.Activation, a, a, 1, layer.OutputCount);
            input = a;
        }
        input.CopyTo(output);
    }

    /// <summary>
    /// Forward pass for <paramref name="rowCount"/> examples stored row-major in <paramref name="features"/>
    /// (rowCount×InputCount), writing rowCount×OutputCount into <paramref name="outputs"/>. Matrix products use
    /// <paramref name="numberOfThreads"/> threads.
    /// </summary>
    public void Predict(ReadOnlySpan<float> features, int rowCount, Span<float> outputs, int numberOfThreads = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rowCount, 0);
        ArgumentOutOfRangeException.ThrowIfLessThan(numberOfThreads, 1);
        CheckShapes(features.Length, outputs.Length, rowCount);
        int scaledLength = InputScaling is null ? 0 : rowCount * InputCount;
        float[] scratch = ArrayPool<float>.Shared.Rent(2 * rowCount * widestLayer + scaledLength);
        try
        {
            ReadOnlySpan<float> input = features[..(rowCount * InputCount)];
            if (InputScaling is not null)
            {
                Span<float> scaled = scratch.AsSpan(2 * rowCount * widestLayer, scaledLength);
                input.CopyTo(scaled);
                InputScaling.ApplyInPlace(scaled, rowCount);
                input = scaled;
            }
            for (int l = 0; l < layers.Length; l++)
            {
                DenseLayer layer = layers[l];
                Span<float> a = scratch.AsSpan((l % 2) * rowCount * widestLayer, rowCount * layer.OutputCount);
                layer.Forward(input, rowCount, layer.WeightArray, a, a, numberOfThreads);
                input = a;
            }
            input.CopyTo(outputs);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(scratch);
        }
    }

    /// <summary>‖W‖²: the sum of every weight squared (biases not included), in double.</summary>
    internal double SquaredWeightNorm()
    {
        double sum = 0;
        foreach (DenseLayer layer in layers)
            foreach (float w in layer.WeightArray)
                sum += (double)w * w;
        return sum;
    }

    internal bool ParametersAreFinite() => layers.All(layer => layer.ParametersAreFinite());

    /// <summary>Overwrites this network's parameters with <paramref name="source"/>'s (same architecture).</summary>
    internal void CopyParametersFrom(MlpNetwork source)
    {
        for (int l = 0; l < layers.Length; l++)
        {
            source.layers[l].WeightArray.CopyTo(layers[l].WeightArray, 0);
            source.layers[l].BiasArray.CopyTo(layers[l].BiasArray, 0);
        }
    }

    private void CheckShapes(int featureLength, int outputLength, int rowCount)
    {
        if (featureLength < rowCount * InputCount)
            throw new ArgumentException($"Expected {rowCount}×{InputCount} features, got {featureLength} values.", "features");
        if (outputLength < rowCount * OutputCount)
            throw new ArgumentException($"Expected room for {rowCount}×{OutputCount} outputs, got {outputLength}.", "output");
    }
}
