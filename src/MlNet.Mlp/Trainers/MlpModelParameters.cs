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
    // *** Binary format shared by every MLP model (version 0x00010003) ***
    // int: sizeof(float), written by ML.NET's ModelParametersBase
    // the networks, their input stage and their training reports: see MlpNetworkFormat
    // <task-specific fields of the derived class>
    // ulong: CRC-64 of every byte above (from version 0x00010002; see ModelFormat)

    private readonly TrainingReport[] _reports;

    private protected MlpModelParameters(IHostEnvironment env, string name, MlpEnsemble ensemble, IReadOnlyList<TrainingReport> reports)
        : base(env, name)
    {
        Host.CheckValue(ensemble, nameof(ensemble));
        Host.CheckValue(reports, nameof(reports));
        Host.CheckParam(reports.Count == ensemble.Members.Count, nameof(reports), "must hold one report per ensemble member");
        Ensemble = ensemble;
        _reports = reports.ToArray();
    }

    private protected MlpModelParameters(IHostEnvironment env, string name, ModelLoadContext ctx)
        : base(env, name, ctx)
    {
        (Ensemble, _reports) = MlpNetworkFormat.Read(Host, ctx);
    }

    /// <summary>The networks the model averages (one unless trained with EnsembleSize &gt; 1).</summary>
    internal MlpEnsemble Ensemble { get; }

    /// <summary>The first (usually only) network: every member shares its architecture and input stage.</summary>
    internal MlpNetwork Network => Ensemble.Members[0];

    /// <summary>Sizes of every layer: the number of features, then each hidden layer, then the outputs.</summary>
    public IReadOnlyList<int> LayerSizes => [Network.InputCount, .. Network.Layers.Select(l => l.OutputCount)];

    /// <summary>The activation of the hidden layers (<see cref="MlpActivation.Identity"/> when there is none).</summary>
    public MlpActivation Activation => Network.Layers.Count > 1 ? EngineEnums.ToPublic(Network.Layers[0].Activation) : MlpActivation.Identity;

    /// <summary>
    /// Each layer's weights, input side first: outputs × inputs values, row-major (row j holds unit j's weights). Of
    /// the first member in an ensemble (see <see cref="MemberWeights"/>).
    /// </summary>
    public IReadOnlyList<IReadOnlyList<float>> Weights => MemberWeights(0);

    /// <summary>Each layer's biases, input side first. Of the first member in an ensemble (see <see cref="MemberBiases"/>).</summary>
    public IReadOnlyList<IReadOnlyList<float>> Biases => MemberBiases(0);

    /// <summary>How training went: loss per epoch on training and validation data, best epoch and why it stopped (of the first member in an ensemble).</summary>
    public TrainingReport TrainingReport => _reports[0];

    /// <summary>The number of networks whose outputs the model averages: the trainer's EnsembleSize.</summary>
    public int EnsembleSize => Ensemble.Members.Count;

    /// <summary>The training report of every ensemble member, in member order.</summary>
    public IReadOnlyList<TrainingReport> MemberTrainingReports => _reports;

    /// <summary>
    /// The robust input stage (median and scale per feature, then the smooth clip) the networks apply to the features
    /// before their first layer, or null when the model takes the features directly (mean/variance standardisation is
    /// folded into the first layer's weights instead).
    /// </summary>
    public RobustFeatureScaling? InputScaling => Network.InputScaling;

    /// <summary>The weights of ensemble member <paramref name="member"/> (0 … EnsembleSize − 1), as <see cref="Weights"/>.</summary>
    public IReadOnlyList<IReadOnlyList<float>> MemberWeights(int member) =>
        Member(member).Layers.Select(l => (IReadOnlyList<float>)l.Weights.ToArray()).ToList();

    /// <summary>The biases of ensemble member <paramref name="member"/> (0 … EnsembleSize − 1), as <see cref="Biases"/>.</summary>
    public IReadOnlyList<IReadOnlyList<float>> MemberBiases(int member) =>
        Member(member).Layers.Select(l => (IReadOnlyList<float>)l.Bias.ToArray()).ToList();

    private MlpNetwork Member(int member)
    {
        Host.CheckParam(member >= 0 && member < EnsembleSize, nameof(member), $"must be in [0, {EnsembleSize})");
        return Ensemble.Members[member];
    }

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
        MlpNetworkFormat.Write(ctx.Writer, Ensemble, _reports);
    }

    /// <summary>
    /// Runs <paramref name="ensemble"/> on one feature vector, checking its length. A sparse vector storing at most a
    /// quarter of its values goes through the networks' sparse first layer (cost in proportion to the stored
    /// values); any other is copied into <paramref name="dense"/> first. Pre-activations beyond float's range saturate
    /// at ±float.MaxValue (<see cref="DenseLayer"/>), so finite features always give finite outputs.
    /// </summary>
    private protected void Predict(MlpEnsemble ensemble, in VBuffer<float> features, Span<float> dense, Span<float> output)
    {
        if (features.Length != dense.Length)
            throw Host.Except($"The feature vector has {features.Length} values but the model was trained on {dense.Length}.");
        if (!features.IsDense && features.GetValues().Length <= features.Length / 4)
        {
            ensemble.Predict(features.GetIndices(), features.GetValues(), output);
            return;
        }
        features.CopyTo(dense);
        ensemble.Predict(dense, output);
    }

    /// <summary>Adds the ensemble's forward pass to an ONNX graph: one network's, or the ONNX <c>Mean</c> of every member's.</summary>
    private protected static string AddForwardPass(OnnxGraph graph, MlpEnsemble ensemble, string input, string? output = null) =>
        NetworkOnnxExport.AddEnsembleForwardPass(graph, ensemble, input, output);
}
