using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Model.OnnxConverter;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers;
using MlNet.Mlp;
using MlNet.Mlp.Kernels;
using MlNet.Mlp.Trainers;
using MlNet.Mlp.Trainers.Onnx;

[assembly: LoadableClass(typeof(PerceptronModelParameters), null, typeof(SignatureLoadModel),
    "MlNet.Mlp Perceptron", PerceptronModelParameters.LoaderSignature)]

namespace MlNet.Mlp;

/// <summary>
/// What a trained perceptron is: one weight per feature and a bias; Score = W·X + b, PredictedLabel = Score &gt; 0.
/// Saved into and loaded from ML.NET's model .zip like ML.NET's own models.
/// </summary>
public sealed class PerceptronModelParameters : ModelParametersBase<float>, IValueMapper, ISingleCanSaveOnnx
{
    internal const string LoaderSignature = "MlNetMlpPerceptron";
    private const string RegistrationName = "PerceptronModel";

    private readonly float[] _weights;
    private readonly VectorDataViewType _inputType;

    internal PerceptronModelParameters(IHostEnvironment env, float[] weights, float bias, PerceptronTrainingReport report)
        : base(env, RegistrationName)
    {
        Host.CheckValue(weights, nameof(weights));
        Host.CheckParam(weights.Length > 0, nameof(weights), "must hold at least one weight");
        Host.CheckParam(weights.All(float.IsFinite), nameof(weights),
            "contains NaN or infinite values: lower the learning rate or normalise the features");
        Host.CheckParam(float.IsFinite(bias), nameof(bias), "is NaN or infinite: lower the learning rate or normalise the features");
        _weights = weights;
        Bias = bias;
        TrainingReport = report;
        _inputType = new VectorDataViewType(NumberDataViewType.Single, weights.Length);
    }

    private PerceptronModelParameters(IHostEnvironment env, ModelLoadContext ctx)
        : base(env, RegistrationName, ctx)
    {
        // *** Binary format (version 0x00010002) ***
        // int: sizeof(float), written by ML.NET's ModelParametersBase
        // int: number of features (> 0)
        // float: bias
        // float[number of features]: weights
        // int, double[]: loss per iteration
        // byte: converged (0 or 1)
        // int: best iteration (1 .. number of losses)
        // ulong: CRC-64 of every byte above (from version 0x00010002; see ModelFormat)
        int featureCount = ModelFormat.ReadCount(Host, ctx, sizeof(float), "the number of features", minimum: 1);
        Bias = ModelFormat.ReadFiniteSingle(Host, ctx, "the bias");
        _weights = ModelFormat.ReadFiniteSingles(Host, ctx, featureCount, "the weights");
        double[] losses = ModelFormat.ReadDoubles(Host, ctx, "the loss curve");
        bool converged = ModelFormat.ReadBoolean(Host, ctx, "the converged flag");
        int bestIteration = ModelFormat.ReadInt32(Host, ctx, "the best iteration");
        if (bestIteration < 1 || bestIteration > losses.Length)
            throw Host.ExceptDecode($"Corrupt model file: the best iteration is {bestIteration}, outside 1..{losses.Length}.");
        TrainingReport = new PerceptronTrainingReport(losses, converged, bestIteration);
        _inputType = new VectorDataViewType(NumberDataViewType.Single, featureCount);
    }

    /// <summary>The weights W, one per feature.</summary>
    public IReadOnlyList<float> Weights => _weights;

    /// <summary>The bias b.</summary>
    public float Bias { get; }

    /// <summary>How training went: the loss after each iteration and whether it converged.</summary>
    public PerceptronTrainingReport TrainingReport { get; }

    /// <summary>The number of features the model expects.</summary>
    public int FeatureCount => _weights.Length;

    /// <inheritdoc/>
    protected override PredictionKind PredictionKind => PredictionKind.BinaryClassification;

    DataViewType IValueMapper.InputType => _inputType;

    DataViewType IValueMapper.OutputType => NumberDataViewType.Single;

    /// <summary>
    /// W·X + b for one feature vector of <see cref="FeatureCount"/> values. A score beyond float's range saturates at
    /// ±<see cref="float.MaxValue"/>: finite features always give a finite score.
    /// </summary>
    public float Score(ReadOnlySpan<float> features)
    {
        if (features.Length != _weights.Length)
            throw new ArgumentException($"The model expects {_weights.Length} features but got {features.Length}.", nameof(features));
        float score = MatrixVector.DotAdd(_weights, features, Bias);
        return float.IsFinite(score) ? score : SaturatingDot.Dense(_weights, features, Bias);
    }

    ValueMapper<TSrc, TDst> IValueMapper.GetMapper<TSrc, TDst>()
    {
        Host.Check(typeof(TSrc) == typeof(VBuffer<float>), "Input type does not match.");
        Host.Check(typeof(TDst) == typeof(float), "Output type does not match.");
        ValueMapper<VBuffer<float>, float> mapper = (in VBuffer<float> src, ref float dst) =>
        {
            if (src.Length != _weights.Length)
                throw Host.Except($"The feature vector has {src.Length} values but the model was trained on {_weights.Length}.");
            dst = ScoreOf(src);
        };
        return (ValueMapper<TSrc, TDst>)(Delegate)mapper;
    }

    private float ScoreOf(in VBuffer<float> features)
    {
        if (features.IsDense)
            return Score(features.GetValues());
        float score = SparseVector.Dot(_weights, features.GetIndices(), features.GetValues()) + Bias;
        return float.IsFinite(score) ? score : SaturatingDot.Sparse(_weights, features.GetIndices(), features.GetValues(), Bias);
    }

    bool ICanSaveOnnx.CanSaveOnnx(OnnxContext ctx) => true;

    bool ISingleCanSaveOnnx.SaveAsOnnx(OnnxContext ctx, string[] outputNames, string featureColumn)
    {
        new OnnxGraph(ctx).Dense(featureColumn, _weights, [Bias], _weights.Length, 1, ScorerOutputs.BinaryScore(outputNames));
        return true;
    }

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
        ctx.SetVersionInfo(GetVersionInfo());
        ctx.Writer.Write(_weights.Length);
        ctx.Writer.Write(Bias);
        foreach (float weight in _weights)
            ctx.Writer.Write(weight);
        ModelFormat.WriteDoubles(ctx, TrainingReport.LossPerIteration);
        ctx.Writer.Write((byte)(TrainingReport.Converged ? 1 : 0));
        ctx.Writer.Write(TrainingReport.BestIteration);
    }

    private static VersionInfo GetVersionInfo() => ModelFormat.VersionInfoFor("MLPPERCP", LoaderSignature);

    internal static PerceptronModelParameters Create(IHostEnvironment env, ModelLoadContext ctx) =>
        ModelFormat.Read(env, ctx, RegistrationName, GetVersionInfo(), "perceptron model", () => new PerceptronModelParameters(env, ctx));
}

/// <summary>How a perceptron's training went.</summary>
public sealed class PerceptronTrainingReport
{
    internal PerceptronTrainingReport(IReadOnlyList<double> lossPerIteration, bool converged, int bestIteration)
    {
        LossPerIteration = lossPerIteration;
        Converged = converged;
        BestIteration = bestIteration;
    }

    /// <summary>The total loss Σ ω(Y − y)² over the training set with the weights after each iteration (pass).</summary>
    public IReadOnlyList<double> LossPerIteration { get; }

    /// <summary>The number of iterations (passes over the training set) that ran.</summary>
    public int NumberOfIterations => LossPerIteration.Count;

    /// <summary>Whether training stopped because the loss fell to or below the loss threshold.</summary>
    public bool Converged { get; }

    /// <summary>The 1-based iteration whose weights the model holds (the last one unless <c>KeepBestWeights</c> chose an earlier one).</summary>
    public int BestIteration { get; }
}
