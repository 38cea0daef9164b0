using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNet.Mlp.Trainers;

/// <summary>
/// One output column of a model with K outputs: a known-size vector of K values, entry j computed from the network's
/// output j. <c>Score</c>, <c>Probability</c> and <c>PredictedLabel</c> of the multi-output models are each one.
/// </summary>
internal abstract class VectorOutputColumn(string name, PrimitiveDataViewType itemType, string valueKind)
{
    public string Name { get; } = name;

    public PrimitiveDataViewType ItemType { get; } = itemType;

    /// <summary>ML.NET's ScoreValueKind annotation: Score, Probability or PredictedLabel.</summary>
    public string ValueKind { get; } = valueKind;

    /// <summary>A getter of this column that reads the current row's network outputs from <paramref name="outputs"/>.</summary>
    public abstract Delegate CreateGetter(RowOutputs outputs);
}

/// <summary>A <see cref="VectorOutputColumn"/> whose entry j is <c>map(output j, j)</c>.</summary>
internal sealed class VectorOutputColumn<T>(string name, PrimitiveDataViewType itemType, string valueKind, Func<float, int, T> map)
    : VectorOutputColumn(name, itemType, valueKind)
{
    public override Delegate CreateGetter(RowOutputs outputs)
    {
        ValueGetter<VBuffer<T>> getter = (ref VBuffer<T> value) =>
        {
            ReadOnlySpan<float> current = outputs.Current();
            var editor = VBufferEditor.Create(ref value, current.Length);
            for (int j = 0; j < current.Length; j++)
                editor.Values[j] = map(current[j], j);
            value = editor.Commit();
        };
        return getter;
    }
}
