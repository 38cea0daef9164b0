using Microsoft.ML.Data;
using Microsoft.ML.Model.OnnxConverter;
using Microsoft.ML.Runtime;

namespace MlNet.Mlp.Trainers.Onnx;

/// <summary>Adds a model's K outputs (N × K) to an ONNX graph, computed from the feature tensor; returns their tensor's name.</summary>
internal delegate string OnnxOutputsWriter(OnnxGraph graph, string features);

/// <summary>Adds one output column to an ONNX graph from the model's outputs tensor, into the tensor named <c>column</c>.</summary>
internal delegate string OnnxColumnWriter(OnnxGraph graph, string outputs, string column);

/// <summary>
/// The ONNX export of the models scored by <see cref="VectorOutputRowMapper"/>: their implementation of ML.NET's
/// <c>IBindableCanSaveOnnx</c> calls this. ML.NET's <c>GenericScorer</c> (the scorer of
/// <see cref="MultiOutputPredictionTransformer{TModel}"/>) asks its bindable mapper to write one tensor per column of
/// the bound mapper's output schema, named in that schema's order, which is the order of the model's
/// <see cref="VectorOutputColumn"/>s; each column writes itself from the outputs as its getter computes it.
/// </summary>
internal static class VectorOutputOnnxExport
{
    /// <summary>
    /// Writes the columns, or returns false (as ML.NET's own predictors do) when the feature column is not in the graph,
    /// so that the converter reports the pipeline as not convertible.
    /// </summary>
    public static bool Save(OnnxContext ctx, RoleMappedSchema schema, string[] outputNames, IReadOnlyList<VectorOutputColumn> columns,
        OnnxOutputsWriter writeOutputs)
    {
        Contracts.CheckValue(ctx, nameof(ctx));
        Contracts.CheckValue(schema, nameof(schema));
        Contracts.CheckParam(outputNames?.Length == columns.Count, nameof(outputNames), $"must name the {columns.Count} output columns");
        if (schema.Feature is not { } feature || !ctx.ContainsColumn(feature.Name))
            return false;
        var graph = new OnnxGraph(ctx);
        string outputs = writeOutputs(graph, ctx.GetVariableName(feature.Name));
        for (int c = 0; c < columns.Count; c++)
            columns[c].WriteOnnx(graph, outputs, outputNames![c]);
        return true;
    }
}
