using MlNet.Mlp.Engine;

namespace MlNet.Mlp.Trainers.Onnx;

/// <summary>
/// The ONNX form of one <see cref="MlpNetwork"/>: a Gemm per layer, each followed by the layer's activation. It is
/// apart from any model so that every model built from networks emits them the same way: the three MLP tasks call
/// it once and add their output head; a model holding several networks calls it once per network and combines the
/// outputs (for an average, ONNX's variadic <c>Mean</c>).
/// </summary>
internal static class NetworkOnnxExport
{
    /// <summary>
    /// Adds the forward pass of <paramref name="network"/> reading <paramref name="input"/> (N × InputCount floats)
    /// and returns the name of its output (N × OutputCount), which is <paramref name="output"/> when given.
    /// </summary>
    public static string AddForwardPass(OnnxGraph graph, MlpNetwork network, string input, string? output = null)
    {
        string current = network.InputScaling is null ? input : graph.RobustScaling(input, network.InputScaling);
        for (int l = 0; l < network.Layers.Count; l++)
        {
            DenseLayer layer = network.Layers[l];
            string? target = l == network.Layers.Count - 1 ? output : null;
            if (layer.Activation == Activation.Identity)
            {
                current = graph.Dense(current, layer.Weights, layer.Bias, layer.InputCount, layer.OutputCount, target);
            }
            else
            {
                string preActivation = graph.Dense(current, layer.Weights, layer.Bias, layer.InputCount, layer.OutputCount);
                current = graph.Activate(layer.Activation, preActivation, target);
            }
        }
        return current;
    }

    /// <summary>
    /// Adds an ensemble's forward pass: its one network's, or each member's followed by their <c>Mean</c>, as
    /// <see cref="MlpEnsemble.Predict(ReadOnlySpan{float}, Span{float})"/> averages them.
    /// </summary>
    public static string AddEnsembleForwardPass(OnnxGraph graph, MlpEnsemble ensemble, string input, string? output = null)
    {
        if (ensemble.Members.Count == 1)
            return AddForwardPass(graph, ensemble.Members[0], input, output);
        string[] memberOutputs = ensemble.Members.Select(member => AddForwardPass(graph, member, input)).ToArray();
        return graph.Mean(memberOutputs, output);
    }
}
