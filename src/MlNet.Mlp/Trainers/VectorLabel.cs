using MlNet.Mlp.Engine;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace MlNet.Mlp.Trainers;

/// <summary>Checks of a label that is a known-size vector (multi-output regression, multi-label), naming the column.</summary>
internal static class VectorLabel
{
    /// <summary>At schema level (GetOutputSchema, Fit): a known-size vector of <paramref name="itemType"/>.</summary>
    public static void CheckCompatible(IHost host, SchemaShape.Column label, PrimitiveDataViewType itemType)
    {
        if (label.Kind != SchemaShape.Column.VectorKind.Vector || !label.ItemType.Equals(itemType))
            throw host.ExceptSchemaMismatch(nameof(label), "label", label.Name, $"known-size vector of {itemType} (size ≥ 1)", label.GetTypeString());
    }

    /// <summary>The label vector's size, after checking its type and that it is between 1 and the widest layer allowed.</summary>
    public static int Size(IHost host, RoleMappedData data, PrimitiveDataViewType itemType)
    {
        if (!data.Schema.Label.HasValue)
            throw host.ExceptParam(nameof(data), "The data has no label column.");
        DataViewSchema.Column label = data.Schema.Label.Value;
        if (label.Type is not VectorDataViewType vector || !vector.ItemType.Equals(itemType))
            throw host.ExceptSchemaMismatch(nameof(data), "label", label.Name, $"known-size vector of {itemType} (size ≥ 1)", label.Type.ToString());
        if (vector.Size == 0)
            throw host.ExceptParam(nameof(data), $"Label column '{label.Name}' is a vector of unknown size or size 0; it must be a known-size vector of {itemType} with at least one value.");
        if (vector.Size > TrainingDefaults.MaxLayerSize)
            throw host.ExceptParam(nameof(data), $"Label column '{label.Name}' has {vector.Size} values, more than the {TrainingDefaults.MaxLayerSize} outputs supported.");
        return vector.Size;
    }
}
