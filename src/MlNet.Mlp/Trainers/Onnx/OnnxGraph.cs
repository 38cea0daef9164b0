using Microsoft.ML.Data;
using Microsoft.ML.Model.OnnxConverter;
using MlNet.Mlp.Engine;

namespace MlNet.Mlp.Trainers.Onnx;

/// <summary>
/// Emits standard ONNX operators into ML.NET's <see cref="OnnxContext"/> (the graph <c>ConvertToOnnx</c> builds).
/// Tensors are named by string: each method reads its input names and returns the name of the tensor it wrote,
/// which is <c>output</c> when the caller gives one (a column the scorer declared) and a fresh intermediate name
/// otherwise.
/// </summary>
/// <remarks>
/// Every node goes to the default ONNX domain <c>""</c>: <see cref="OnnxContext.CreateNode(string, IEnumerable{string}, IEnumerable{string}, string, string)"/>
/// defaults to <c>ai.onnx.ml</c>, where none of these operators live. Only operators whose form is the same in
/// opsets 9 to 12 — every opset ML.NET 5's converter accepts — are used, so nothing here depends on the opset the
/// user asked for: hard tanh is Max then Min, because Clip takes its bounds as attributes before opset 11 and as
/// inputs from 11 on, and the context does not tell which opset it builds.
/// </remarks>
internal sealed class OnnxGraph(OnnxContext context)
{
    private const string StandardDomain = "";

    /// <summary>Y = X·Wᵀ + b for X of N × <paramref name="inputs"/>, W <paramref name="outputs"/> × <paramref name="inputs"/> row-major: one Gemm.</summary>
    public string Dense(string input, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, int inputs, int outputs, string? output = null)
    {
        string w = context.AddInitializer(weights.ToArray(), [outputs, inputs], FreshName("W"));
        string b = context.AddInitializer(bias.ToArray(), [outputs], FreshName("B"));
        output = Node("Gemm", [input, w, b], output, out OnnxNode gemm);
        gemm.AddAttribute("transB", 1L);
        return output;
    }

    /// <summary>Φ(X) elementwise, or per row for softmax, exactly as <see cref="ActivationFunctions.Forward"/>.</summary>
    public string Activate(Activation activation, string input, string? output = null)
    {
        switch (activation)
        {
            case Activation.Identity:
                return output is null ? input : Node("Identity", [input], output, out _);
            case Activation.Sigmoid:
                return Node("Sigmoid", [input], output, out _);
            case Activation.Tanh:
                return Node("Tanh", [input], output, out _);
            case Activation.Relu:
                return Node("Relu", [input], output, out _);
            case Activation.HardTanh:
                string atLeastMinusOne = Node("Max", [input, context.AddInitializer(-1f, FreshName("MinusOne"))], null, out _);
                return Node("Min", [atLeastMinusOne, context.AddInitializer(1f, FreshName("One"))], output, out _);
            case Activation.Softmax:
                output = Node("Softmax", [input], output, out OnnxNode softmax);
                // Before opset 13 Softmax flattens everything after `axis` into the class dimension: axis 1 of N × K.
                softmax.AddAttribute("axis", 1L);
                return output;
            default:
                throw new ArgumentOutOfRangeException(nameof(activation), activation, "No ONNX form for this activation.");
        }
    }

    /// <summary>X ⊙ f, with f broadcast along the rows (one factor per column).</summary>
    public string Multiply(string input, ReadOnlySpan<float> factors, string? output = null) =>
        Node("Mul", [input, context.AddInitializer(factors.ToArray(), [factors.Length], FreshName("Factor"))], output, out _);

    /// <summary>X + t, with t broadcast along the rows (one term per column).</summary>
    public string Add(string input, ReadOnlySpan<float> terms, string? output = null) =>
        Node("Add", [input, context.AddInitializer(terms.ToArray(), [terms.Length], FreshName("Term"))], output, out _);

    /// <summary>
    /// The robust input stage of <see cref="RobustFeatureScaling"/>: z = (X − centre) ⊙ (1/scale), t = z/τ held within
    /// ±10⁶ (Max then Min, as for hard tanh), then τ·t / √(1 + t²), as Sub, Mul, Mul, Max, Min, Mul, Add, Sqrt, Mul and
    /// Div nodes.
    /// </summary>
    public string RobustScaling(string input, RobustFeatureScaling scaling, string? output = null)
    {
        float[] inverseScale = scaling.Scale.ToArray().Select(s => 1f / s).ToArray();
        string centered = Node("Sub", [input, context.AddInitializer(scaling.Center.ToArray(), [scaling.FeatureCount], FreshName("Centre"))], null, out _);
        string z = Multiply(centered, inverseScale);
        string unbounded = Node("Mul", [z, context.AddInitializer(1f / RobustFeatureScaling.ClipBound, FreshName("InverseClipBound"))], null, out _);
        string atLeast = Node("Max", [unbounded, context.AddInitializer(-RobustFeatureScaling.SaturationPoint, FreshName("NegativeSaturation"))], null, out _);
        string t = Node("Min", [atLeast, context.AddInitializer(RobustFeatureScaling.SaturationPoint, FreshName("Saturation"))], null, out _);
        string tSquared = Node("Mul", [t, t], null, out _);
        string onePlus = Node("Add", [tSquared, context.AddInitializer(1f, FreshName("One"))], null, out _);
        string root = Node("Sqrt", [onePlus], null, out _);
        string scaled = Node("Mul", [t, context.AddInitializer(RobustFeatureScaling.ClipBound, FreshName("ClipBound"))], null, out _);
        return Node("Div", [scaled, root], output, out _);
    }

    /// <summary>X &gt; t elementwise, as Booleans of X's shape (false for NaN).</summary>
    public string GreaterThan(string input, float threshold, string? output = null) =>
        Node("Greater", [input, context.AddInitializer(threshold, FreshName("Threshold"))], output, out _);

    /// <summary>The elementwise mean of same-shaped tensors (ONNX's variadic Mean).</summary>
    public string Mean(IReadOnlyList<string> inputs, string? output = null) => Node("Mean", inputs.ToArray(), output, out _);

    /// <summary>
    /// ML.NET's multiclass PredictedLabel from N × K scores: the 1-based key of each row's largest score (the first on
    /// a tie), as UInt32 of shape N × 1 — ArgMax keeping its axis, plus one, cast.
    /// </summary>
    public string OneBasedKeyOfLargest(string scores, string output)
    {
        string index = Node("ArgMax", [scores], null, out OnnxNode argMax);
        argMax.AddAttribute("axis", 1L);
        argMax.AddAttribute("keepdims", 1L);
        string key = Node("Add", [index, context.AddInitializer(1L, FreshName("KeyOffset"))], null, out _);
        output = Node("Cast", [key], output, out OnnxNode cast);
        cast.AddAttribute("to", typeof(uint));
        return output;
    }

    /// <summary>
    /// A name for a new tensor that no column of the data has. ML.NET's context files the name of every tensor it adds,
    /// constants and intermediates alike, as a column name: a tensor named like a column of the data (a feature "W",
    /// say) would take that column's place in every node and output that reads the column afterwards, its
    /// pass-through output included.
    /// </summary>
    private string FreshName(string prefix)
    {
        string name = prefix;
        for (int suffix = 0; context.ContainsColumn(name); suffix++)
            name = prefix + suffix;
        return name;
    }

    private string Node(string opType, string[] inputs, string? output, out OnnxNode node)
    {
        // The runtime infers intermediate shapes, so intermediates are declared without a type (as ML.NET's own exports do).
        output ??= context.AddIntermediateVariable(null, FreshName(opType + "Output"), skip: true);
        node = context.CreateNode(opType, inputs, [output], context.GetNodeName(opType), StandardDomain);
        return output;
    }
}
