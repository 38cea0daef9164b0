using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Model.OnnxConverter;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers;
using MlNet.Mlp.Engine;
using MlNet.Mlp.Kernels;
using MlNet.Mlp.Trainers;
using MlNet.Mlp.Trainers.Onnx;

namespace MlNet.Mlp;

/// <summary>
/// A trained multilayer perceptron: its layer sizes, hidden activation, weights, biases and training report.
/// Saved into and loaded from ML.NET's model .zip like ML.NET's own models.
/// </summary>
public abstract class MlpModelParameters : ModelParametersBase<float>
{
    // *** Binary format shared by every MLP model (version 0x00010002) ***
    // int: sizeof(float), written by ML.NET's ModelParametersBase
    // int: number of layers L (≥ 1)
    // int: number of inputs (≥ 1)
    // L times: int outputs (≥ 1), int activation (Engine.Activation), float[outputs × inputs] weights, float[outputs] biases
    // report: int epochs E; E times: double training loss, byte has validation loss, double validation loss,
    //         byte has validation accuracy, double validation accuracy, long elapsed ticks;
    //         int best epoch, int stop reason, byte restored best weights, int validation rows
    // <task-specific fields of the derived class>
    // ulong: CRC-64 of every byte above (from version 0x00010002; see ModelFormat)

    private protected MlpModelParameters(IHostEnvironment env, string name, MlpNetwork network, TrainingReport report)
        : base(env, name)
    {
        Host.CheckValue(network, nameof(network));
        Host.CheckValue(report, nameof(report));
        Network = network;
        TrainingReport = report;
    }

    private protected MlpModelParameters(IHostEnvironment env, string name, ModelLoadContext ctx)
        : base(env, name, ctx)
    {
        Network = ReadNetwork(Host, ctx);
        TrainingReport = ReadReport(Host, ctx);
    }

    /// <summary>The network the model computes with.</summary>
    internal MlpNetwork Network { get; }

    /// <summary>Sizes of every layer: the number of features, then each hidden layer, then the outputs.</summary>
    public IReadOnlyList<int> LayerSizes => [Network.InputCount, .. Network.Layers.Select(l => l.OutputCount)];

    /// <summary>The activation of the hidden layers (<see cref="MlpActivation.Identity"/> when there is none).</summary>
    public MlpActivation Activation => Network.Layers.Count > 1 ? EngineEnums.ToPublic(Network.Layers[0].Activation) : MlpActivation.Identity;

    /// <summary>Each layer's weights, input side first: outputs × inputs values, row-major (row j holds unit j's weights).</summary>
    public IReadOnlyList<IReadOnlyList<float>> Weights => Network.Layers.Select(l => (IReadOnlyList<float>)l.Weights.ToArray()).ToList();

    /// <summary>Each layer's biases, input side first.</summary>
    public IReadOnlyList<IReadOnlyList<float>> Biases => Network.Layers.Select(l => (IReadOnlyList<float>)l.Bias.ToArray()).ToList();

    /// <summary>How training went: loss per epoch on training and validation data, best epoch and why it stopped.</summary>
    public TrainingReport TrainingReport { get; }

    /// <summary>The number of features the model expects.</summary>
    public int FeatureCount => Network.InputCount;

    /// <inheritdoc/>
    protected override void Save(ModelSaveContext ctx)
    {
        base.Save(ctx);
        ModelFormat.AppendChecksum(Host, ctx);
    }

    /// <inheritdoc/>
    protected override void SaveCore(ModelSaveContext ctx)
    {
        base.SaveCore(ctx);
        BinaryWriter writer = ctx.Writer;
        writer.Write(Network.Layers.Count);
        writer.Write(Network.InputCount);
        foreach (DenseLayer layer in Network.Layers)
        {
            writer.Write(layer.OutputCount);
            writer.Write((int)layer.Activation);
            foreach (float w in layer.Weights)
                writer.Write(w);
            foreach (float b in layer.Bias)
                writer.Write(b);
        }
        WriteReport(writer, TrainingReport);
    }

    private static MlpNetwork ReadNetwork(IHost host, ModelLoadContext ctx)
    {
        // Each layer takes at least 8 bytes of header and 8 bytes of one weight and one bias.
        int layerCount = ModelFormat.ReadCount(host, ctx, 16, "the number of layers", minimum: 1);
        int inputs = ModelFormat.ReadCount(host, ctx, sizeof(float), "the number of inputs", minimum: 1);
        var layers = new List<DenseLayer>(layerCount);
        for (int l = 0; l < layerCount; l++)
        {
            int outputs = ModelFormat.ReadCount(host, ctx, sizeof(float), $"the size of layer {l}", minimum: 1);
            int activationCode = ModelFormat.ReadInt32(host, ctx, $"the activation of layer {l}");
            if (!Enum.IsDefined(typeof(Activation), activationCode))
                throw host.ExceptDecode($"Corrupt model file: layer {l} has unknown activation code {activationCode}.");
            var activation = (Activation)activationCode;
            bool isOutput = l == layerCount - 1;
            if (activation == Engine.Activation.Softmax && !isOutput)
                throw host.ExceptDecode($"Corrupt model file: hidden layer {l} uses softmax.");
            long weightCount = (long)outputs * inputs;
            if ((weightCount + outputs) * sizeof(float) > ModelFormat.RemainingBytes(ctx))
                throw host.ExceptDecode($"Corrupt model file: layer {l} claims {outputs}×{inputs} weights, more than the bytes that remain.");
            float[] weights = ModelFormat.ReadFiniteSingles(host, ctx, (int)weightCount, $"the weights of layer {l}");
            float[] bias = ModelFormat.ReadFiniteSingles(host, ctx, outputs, $"the biases of layer {l}");
            layers.Add(new DenseLayer(inputs, outputs, activation, weights, bias));
            inputs = outputs;
        }
        return new MlpNetwork(layers);
    }

    private static void WriteReport(BinaryWriter writer, TrainingReport report)
    {
        writer.Write(report.Epochs.Count);
        foreach (EpochSummary epoch in report.Epochs)
        {
            writer.Write(epoch.TrainingLoss);
            writer.Write((byte)(epoch.ValidationLoss.HasValue ? 1 : 0));
            writer.Write(epoch.ValidationLoss ?? 0);
            writer.Write((byte)(epoch.ValidationAccuracy.HasValue ? 1 : 0));
            writer.Write(epoch.ValidationAccuracy ?? 0);
            writer.Write(epoch.Elapsed.Ticks);
        }
        writer.Write(report.BestEpoch);
        writer.Write((int)report.StopReason);
        writer.Write((byte)(report.RestoredBestWeights ? 1 : 0));
        writer.Write(report.ValidationExampleCount);
    }

    private static TrainingReport ReadReport(IHost host, ModelLoadContext ctx)
    {
        const int bytesPerEpoch = 8 + 1 + 8 + 1 + 8 + 8;
        int epochCount = ModelFormat.ReadCount(host, ctx, bytesPerEpoch, "the number of epochs in the training report");
        var epochs = new EpochSummary[epochCount];
        for (int e = 0; e < epochCount; e++)
        {
            double trainingLoss = ModelFormat.ReadDouble(host, ctx, $"the training loss of epoch {e + 1}");
            bool hasValidationLoss = ModelFormat.ReadBoolean(host, ctx, "a validation-loss flag");
            double validationLoss = ModelFormat.ReadDouble(host, ctx, $"the validation loss of epoch {e + 1}");
            bool hasAccuracy = ModelFormat.ReadBoolean(host, ctx, "a validation-accuracy flag");
            double accuracy = ModelFormat.ReadDouble(host, ctx, $"the validation accuracy of epoch {e + 1}");
            long ticks = ModelFormat.ReadInt64(host, ctx, $"the time of epoch {e + 1}");
            if (ticks < 0)
                throw host.ExceptDecode($"Corrupt model file: epoch {e + 1} took a negative time.");
            epochs[e] = new EpochSummary(e + 1, trainingLoss, hasValidationLoss ? validationLoss : null,
                hasAccuracy ? accuracy : null, TimeSpan.FromTicks(ticks));
        }
        int bestEpoch = ModelFormat.ReadInt32(host, ctx, "the best epoch");
        if (bestEpoch < 0 || bestEpoch > epochCount)
            throw host.ExceptDecode($"Corrupt model file: the best epoch is {bestEpoch}, outside 0..{epochCount}.");
        int stopReason = ModelFormat.ReadInt32(host, ctx, "the stop reason");
        if (!Enum.IsDefined(typeof(StopReason), stopReason))
            throw host.ExceptDecode($"Corrupt model file: unknown stop reason {stopReason}.");
        bool restored = ModelFormat.ReadBoolean(host, ctx, "the restored-best-weights flag");
        int validationRows = ModelFormat.ReadInt32(host, ctx, "the number of validation rows");
        if (validationRows < 0)
            throw host.ExceptDecode($"Corrupt model file: the validation set has {validationRows} rows.");
        return new TrainingReport(epochs, bestEpoch, (StopReason)stopReason, restored, validationRows);
    }

    /// <summary>
    /// Runs <paramref name="network"/> on one feature vector, checking its length. A sparse vector storing at most a
    /// quarter of its values goes through the network's sparse first layer (cost in proportion to the stored
    /// values); any other is copied into <paramref name="dense"/> first. Pre-activations beyond float's range saturate
    /// at ±float.MaxValue (<see cref="DenseLayer"/>), so finite features always give finite outputs.
    /// </summary>
    private protected void Predict(MlpNetwork network, in VBuffer<float> features, Span<float> dense, Span<float> output)
    {
        if (features.Length != dense.Length)
            throw Host.Except($"The feature vector has {features.Length} values but the model was trained on {dense.Length}.");
        if (!features.IsDense && features.GetValues().Length <= features.Length / 4)
        {
            network.Predict(features.GetIndices(), features.GetValues(), output);
            return;
        }
        features.CopyTo(dense);
        network.Predict(dense, output);
    }
}

/// <summary>
/// A binary-classification MLP: one sigmoid output. <c>Score</c> is the logit a (the output's pre-activation),
/// <c>Probability</c> = σ(a), <c>PredictedLabel</c> = Score &gt; 0.
/// </summary>
public sealed class MlpBinaryModelParameters : MlpModelParameters, IValueMapperDist, IDistCanSaveOnnx
{
    internal const string LoaderSignature = "MlNetMlpBinary";
    private const string RegistrationName = "MlpBinaryModel";
    private readonly MlpNetwork _logitNetwork;
    private readonly VectorDataViewType _inputType;

    internal MlpBinaryModelParameters(IHostEnvironment env, MlpNetwork network, TrainingReport report)
        : base(env, RegistrationName, network, report)
    {
        (_logitNetwork, _inputType) = Prepare();
    }

    private MlpBinaryModelParameters(IHostEnvironment env, ModelLoadContext ctx)
        : base(env, RegistrationName, ctx)
    {
        if (Network.OutputCount != 1 || Network.OutputLayer.Activation != Engine.Activation.Sigmoid)
            throw Host.ExceptDecode("Corrupt model file: a binary MLP needs one sigmoid output.");
        (_logitNetwork, _inputType) = Prepare();
    }

    private (MlpNetwork, VectorDataViewType) Prepare()
    {
        // Scoring reads the output's pre-activation (the logit), so the copy used for scoring ends in Identity.
        DenseLayer output = Network.OutputLayer;
        var logitLayer = new DenseLayer(output.InputCount, output.OutputCount, Engine.Activation.Identity, output.Weights, output.Bias);
        return (new MlpNetwork(Network.Layers.Take(Network.Layers.Count - 1).Append(logitLayer)),
            new VectorDataViewType(NumberDataViewType.Single, Network.InputCount));
    }

    /// <inheritdoc/>
    protected override PredictionKind PredictionKind => PredictionKind.BinaryClassification;

    DataViewType IValueMapper.InputType => _inputType;
    DataViewType IValueMapper.OutputType => NumberDataViewType.Single;
    DataViewType IValueMapperDist.DistType => NumberDataViewType.Single;

    ValueMapper<TIn, TOut> IValueMapper.GetMapper<TIn, TOut>()
    {
        Host.Check(typeof(TIn) == typeof(VBuffer<float>) && typeof(TOut) == typeof(float), "Invalid types for the binary MLP mapper.");
        float[] dense = new float[FeatureCount];
        float[] logit = new float[1];
        ValueMapper<VBuffer<float>, float> mapper = (in VBuffer<float> src, ref float score) =>
        {
            Predict(_logitNetwork, src, dense, logit);
            score = logit[0];
        };
        return (ValueMapper<TIn, TOut>)(Delegate)mapper;
    }

    ValueMapper<TIn, TOut, TDist> IValueMapperDist.GetMapper<TIn, TOut, TDist>()
    {
        Host.Check(typeof(TIn) == typeof(VBuffer<float>) && typeof(TOut) == typeof(float) && typeof(TDist) == typeof(float),
            "Invalid types for the binary MLP mapper.");
        float[] dense = new float[FeatureCount];
        float[] logit = new float[1];
        ValueMapper<VBuffer<float>, float, float> mapper = (in VBuffer<float> src, ref float score, ref float probability) =>
        {
            Predict(_logitNetwork, src, dense, logit);
            score = logit[0];
            probability = Sigmoid(score);
        };
        return (ValueMapper<TIn, TOut, TDist>)(Delegate)mapper;
    }

    private static float Sigmoid(float a) => a >= 0 ? 1f / (1f + MathF.Exp(-a)) : MathF.Exp(a) / (1f + MathF.Exp(a));

    bool ICanSaveOnnx.CanSaveOnnx(OnnxContext ctx) => true;

    bool IDistCanSaveOnnx.SaveAsOnnx(OnnxContext ctx, string[] outputNames, string featureColumn) =>
        ((ISingleCanSaveOnnx)this).SaveAsOnnx(ctx, outputNames, featureColumn);

    bool ISingleCanSaveOnnx.SaveAsOnnx(OnnxContext ctx, string[] outputNames, string featureColumn)
    {
        var graph = new OnnxGraph(ctx);
        string score = NetworkOnnxExport.AddForwardPass(graph, _logitNetwork, featureColumn, ScorerOutputs.BinaryScore(outputNames));
        if (ScorerOutputs.BinaryProbability(outputNames) is { } probability)
            graph.Activate(Engine.Activation.Sigmoid, score, probability);
        return true;
    }

    /// <inheritdoc/>
    protected override void SaveCore(ModelSaveContext ctx)
    {
        ctx.SetVersionInfo(GetVersionInfo());
        base.SaveCore(ctx);
    }

    private static VersionInfo GetVersionInfo() => ModelFormat.VersionInfoFor("MLPBINRY", LoaderSignature);

    internal static MlpBinaryModelParameters Create(IHostEnvironment env, ModelLoadContext ctx) =>
        ModelFormat.Read(env, ctx, RegistrationName, GetVersionInfo(), "binary MLP model", () => new MlpBinaryModelParameters(env, ctx));
}

/// <summary>A multiclass MLP: K softmax outputs. <c>Score</c> holds the K class probabilities.</summary>
/// <remarks>
/// Every MLP model shares <see cref="MlpModelParameters"/> (so one <c>Fit(data, modelParameters)</c> serves all tasks), whose
/// ML.NET base produces a float; ML.NET's multiclass loader asks for a model producing a float vector, which this
/// class declares as well.
/// </remarks>
public sealed class MlpMulticlassModelParameters : MlpModelParameters, IValueMapper, IPredictorProducing<VBuffer<float>>, ISingleCanSaveOnnx
{
    internal const string LoaderSignature = "MlNetMlpMulticlass";
    private const string RegistrationName = "MlpMulticlassModel";
    private readonly VectorDataViewType _inputType;
    private readonly VectorDataViewType _outputType;

    internal MlpMulticlassModelParameters(IHostEnvironment env, MlpNetwork network, TrainingReport report)
        : base(env, RegistrationName, network, report)
    {
        (_inputType, _outputType) = (new(NumberDataViewType.Single, Network.InputCount), new(NumberDataViewType.Single, Network.OutputCount));
    }

    private MlpMulticlassModelParameters(IHostEnvironment env, ModelLoadContext ctx)
        : base(env, RegistrationName, ctx)
    {
        if (Network.OutputLayer.Activation != Engine.Activation.Softmax)
            throw Host.ExceptDecode("Corrupt model file: a multiclass MLP needs a softmax output.");
        (_inputType, _outputType) = (new(NumberDataViewType.Single, Network.InputCount), new(NumberDataViewType.Single, Network.OutputCount));
    }

    /// <summary>The number of classes.</summary>
    public int ClassCount => Network.OutputCount;

    /// <inheritdoc/>
    protected override PredictionKind PredictionKind => PredictionKind.MulticlassClassification;

    DataViewType IValueMapper.InputType => _inputType;
    DataViewType IValueMapper.OutputType => _outputType;

    ValueMapper<TIn, TOut> IValueMapper.GetMapper<TIn, TOut>()
    {
        Host.Check(typeof(TIn) == typeof(VBuffer<float>) && typeof(TOut) == typeof(VBuffer<float>), "Invalid types for the multiclass MLP mapper.");
        float[] dense = new float[FeatureCount];
        ValueMapper<VBuffer<float>, VBuffer<float>> mapper = (in VBuffer<float> src, ref VBuffer<float> dst) =>
        {
            var editor = VBufferEditor.Create(ref dst, ClassCount);
            Predict(Network, src, dense, editor.Values);
            dst = editor.Commit();
        };
        return (ValueMapper<TIn, TOut>)(Delegate)mapper;
    }

    bool ICanSaveOnnx.CanSaveOnnx(OnnxContext ctx) => true;

    bool ISingleCanSaveOnnx.SaveAsOnnx(OnnxContext ctx, string[] outputNames, string featureColumn)
    {
        var graph = new OnnxGraph(ctx);
        (string predictedLabel, string score) = ScorerOutputs.Multiclass(outputNames);
        NetworkOnnxExport.AddForwardPass(graph, Network, featureColumn, score);
        graph.OneBasedKeyOfLargest(score, predictedLabel);
        return true;
    }

    /// <inheritdoc/>
    protected override void SaveCore(ModelSaveContext ctx)
    {
        ctx.SetVersionInfo(GetVersionInfo());
        base.SaveCore(ctx);
    }

    private static VersionInfo GetVersionInfo() => ModelFormat.VersionInfoFor("MLPMULTI", LoaderSignature);

    internal static MlpMulticlassModelParameters Create(IHostEnvironment env, ModelLoadContext ctx) =>
        ModelFormat.Read(env, ctx, RegistrationName, GetVersionInfo(), "multiclass MLP model", () => new MlpMulticlassModelParameters(env, ctx));
}

/// <summary>
/// A regression MLP: one identity output trained on the standardised label; <c>Score</c> = output × LabelScale + LabelMean.
/// </summary>
public sealed class MlpRegressionModelParameters : MlpModelParameters, IValueMapper, ISingleCanSaveOnnx
{
    internal const string LoaderSignature = "MlNetMlpRegression";
    private const string RegistrationName = "MlpRegressionModel";
    private readonly VectorDataViewType _inputType;

    internal MlpRegressionModelParameters(IHostEnvironment env, MlpNetwork network, TrainingReport report, float labelMean, float labelScale)
        : base(env, RegistrationName, network, report)
    {
        Host.CheckParam(float.IsFinite(labelMean), nameof(labelMean), "must be finite");
        Host.CheckParam(labelScale > 0 && float.IsFinite(labelScale), nameof(labelScale), "must be positive and finite");
        LabelMean = labelMean;
        LabelScale = labelScale;
        _inputType = new VectorDataViewType(NumberDataViewType.Single, Network.InputCount);
    }

    private MlpRegressionModelParameters(IHostEnvironment env, ModelLoadContext ctx)
        : base(env, RegistrationName, ctx)
    {
        // <base format>, then: float label mean, float label scale (> 0)
        if (Network.OutputCount != 1 || Network.OutputLayer.Activation != Engine.Activation.Identity)
            throw Host.ExceptDecode("Corrupt model file: a regression MLP needs one identity output.");
        LabelMean = ModelFormat.ReadFiniteSingle(Host, ctx, "the label mean");
        LabelScale = ModelFormat.ReadFiniteSingle(Host, ctx, "the label scale");
        if (!(LabelScale > 0))
            throw Host.ExceptDecode($"Corrupt model file: the label scale is {LabelScale}, expected a positive value.");
        _inputType = new VectorDataViewType(NumberDataViewType.Single, Network.InputCount);
    }

    /// <summary>The mean of the training labels; the network predicts (label − LabelMean) / LabelScale.</summary>
    public float LabelMean { get; }

    /// <summary>The standard deviation of the training labels (1 when they were constant).</summary>
    public float LabelScale { get; }

    /// <inheritdoc/>
    protected override PredictionKind PredictionKind => PredictionKind.Regression;

    DataViewType IValueMapper.InputType => _inputType;
    DataViewType IValueMapper.OutputType => NumberDataViewType.Single;

    ValueMapper<TIn, TOut> IValueMapper.GetMapper<TIn, TOut>()
    {
        Host.Check(typeof(TIn) == typeof(VBuffer<float>) && typeof(TOut) == typeof(float), "Invalid types for the regression MLP mapper.");
        float[] dense = new float[FeatureCount];
        float[] output = new float[1];
        ValueMapper<VBuffer<float>, float> mapper = (in VBuffer<float> src, ref float score) =>
        {
            Predict(Network, src, dense, output);
            score = output[0] * LabelScale + LabelMean;
            if (!float.IsFinite(score))
                score = SaturatingDot.Saturate((double)output[0] * LabelScale + LabelMean);
        };
        return (ValueMapper<TIn, TOut>)(Delegate)mapper;
    }

    bool ICanSaveOnnx.CanSaveOnnx(OnnxContext ctx) => true;

    bool ISingleCanSaveOnnx.SaveAsOnnx(OnnxContext ctx, string[] outputNames, string featureColumn)
    {
        // Multiply, then add, as the mapper does, so that both round alike.
        var graph = new OnnxGraph(ctx);
        string standardized = NetworkOnnxExport.AddForwardPass(graph, Network, featureColumn);
        graph.Add(graph.Multiply(standardized, [LabelScale]), [LabelMean], ScorerOutputs.RegressionScore(outputNames));
        return true;
    }

    /// <inheritdoc/>
    protected override void SaveCore(ModelSaveContext ctx)
    {
        ctx.SetVersionInfo(GetVersionInfo());
        base.SaveCore(ctx);
        ctx.Writer.Write(LabelMean);
        ctx.Writer.Write(LabelScale);
    }

    private static VersionInfo GetVersionInfo() => ModelFormat.VersionInfoFor("MLPREGRS", LoaderSignature);

    internal static MlpRegressionModelParameters Create(IHostEnvironment env, ModelLoadContext ctx) =>
        ModelFormat.Read(env, ctx, RegistrationName, GetVersionInfo(), "regression MLP model", () => new MlpRegressionModelParameters(env, ctx));
}
