using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace MlNet.Mlp.Trainers;

/// <summary>One known-size vector column to read for evaluation: its name, item type and role (for messages).</summary>
internal readonly record struct VectorColumn(string Name, PrimitiveDataViewType ItemType, string Role);

/// <summary>
/// Reads known-size vector columns of Single or Boolean of every row into float arrays (Boolean as 1 or 0), after
/// checking that each exists with the right type and that all have the same size; errors name the column.
/// </summary>
internal static class VectorColumns
{
    /// <summary>For each column, rows × size values, row-major.</summary>
    public static (float[][] Values, int Rows, int Size) Read(IHost host, IDataView data, params VectorColumn[] columns)
    {
        host.CheckValue(data, nameof(data));
        var schemaColumns = new DataViewSchema.Column[columns.Length];
        int size = 0;
        for (int c = 0; c < columns.Length; c++)
        {
            VectorColumn wanted = columns[c];
            if (data.Schema.GetColumnOrNull(wanted.Name) is not { } column)
                throw host.ExceptSchemaMismatch(nameof(data), wanted.Role, wanted.Name);
            if (column.Type is not VectorDataViewType { IsKnownSize: true } vector || !vector.ItemType.Equals(wanted.ItemType))
                throw host.ExceptSchemaMismatch(nameof(data), wanted.Role, wanted.Name, $"known-size vector of {wanted.ItemType}", column.Type.ToString());
            if (c > 0 && vector.Size != size)
                throw host.ExceptParam(nameof(data), $"{Capitalised(wanted.Role)} column '{wanted.Name}' has {vector.Size} values, but " +
                    $"{columns[0].Role} column '{columns[0].Name}' has {size}: they must have one value per output.");
            size = vector.Size;
            schemaColumns[c] = column;
        }

        var values = columns.Select(_ => new List<float>()).ToArray();
        using DataViewRowCursor cursor = data.GetRowCursor(schemaColumns);
        var readers = schemaColumns.Select(column => RowReader(cursor, column, size)).ToArray();
        var row = new float[size];
        int rows = 0;
        while (cursor.MoveNext())
        {
            for (int c = 0; c < readers.Length; c++)
            {
                readers[c](row);
                values[c].AddRange(row);
            }
            rows++;
        }
        return (values.Select(v => v.ToArray()).ToArray(), rows, size);
    }

    private static Action<float[]> RowReader(DataViewRowCursor cursor, DataViewSchema.Column column, int size)
    {
        if (column.Type.GetItemType() is BooleanDataViewType)
        {
            var getter = cursor.GetGetter<VBuffer<bool>>(column);
            VBuffer<bool> buffer = default;
            var dense = new bool[size];
            return row =>
            {
                getter(ref buffer);
                buffer.CopyTo(dense);
                for (int j = 0; j < size; j++)
                    row[j] = dense[j] ? 1f : 0f;
            };
        }
        var singles = cursor.GetGetter<VBuffer<float>>(column);
        VBuffer<float> values = default;
        return row =>
        {
            singles(ref values);
            values.CopyTo(row);
        };
    }

    private static string Capitalised(string role) => char.ToUpperInvariant(role[0]) + role[1..];
}
