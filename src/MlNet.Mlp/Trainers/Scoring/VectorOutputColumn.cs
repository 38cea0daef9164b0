using Microsoft.ML;
using Microsoft.ML.Data;
using MlNet.Mlp.Trainers.Onnx;

namespace MlNet.Mlp.Trainers;

/// <summary>
/// One output column of a model with K outputs: a known-size vector of K values, entry j computed from the network's
/// output j. <c>Score</c>, <c>Probability</c> and <c>PredictedLabel</c> of the multi-output models are each one. It
/// carries both its forms, the getter ML.NET's scorer reads and the ONNX nodes that export it, so they stay side by side.
/// </summary>
internal abstract class VectorOutputColumn(string name, PrimitiveDataViewType itemType, string valueKind, OnnxColumnWriter writeOnnx)
{
    public string Name { get; } = name;

    public PrimitiveDataViewType ItemType { get; } = itemType;

    /// <summary>ML.NET's ScoreValueKind annotation: Score, Probability or PredictedLabel.</summary>
    public string ValueKind { get; } = valueKind;

    /// <summary>A getter of this column that reads the current row's network outputs from <paramref name="outputs"/>.</summary>
    public abstract Delegate CreateGetter(RowOutputs outputs);

    /// <summary>Adds this column's ONNX form, computed from the N × K <paramref name="outputs"/>, as the tensor <paramref name="column"/>.</summary>
    public string WriteOnnx(OnnxGraph graph, string outputs, string column) => writeOnnx(graph, outputs, column);
}

/// <summary>A <see cref="VectorOutputColumn"/> whose entry j is <c>map(output j)</c>, exported by <c>writeOnnx</c>.</summary>
internal sealed class VectorOutputColumn<T>(string name, PrimitiveDataViewType itemType, string valueKind, Func<float, T> map,
    OnnxColumnWriter writeOnnx)
    : VectorOutputColumn(name, itemType, valueKind, writeOnnx)
{
    public override Delegate CreateGetter(RowOutputs outputs)
    {
        ValueGetter<VBuffer<T>> getter = (ref VBuffer<T> value) =>
        {
            ReadOnlySpan<float> current = outputs.Current();
            var editor = VBufferEditor.Create(ref value, current.Length);
            for (int j = 0; j < current.Length; j++)
                editor.Values[j] = map(current[j]);
            value = editor.Commit();
        };
        return getter;
    }
}
