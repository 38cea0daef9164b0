using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNet.Mlp.ModelLoader;

/// <summary>
/// Writes a scored data view's prediction columns as exact text: floats as their bit patterns, so that two
/// processes' outputs compare bit for bit. The tests format their in-process scores with the same code.
/// </summary>
public static class ScoreFormatter
{
    private static readonly string[] PredictionColumns = ["Score", "Probability", "PredictedLabel"];

    /// <summary>One line per row: "column=value" pairs separated by tabs.</summary>
    public static List<string> Format(IDataView scored)
    {
        DataViewSchema.Column[] columns = scored.Schema.Where(c => !c.IsHidden && PredictionColumns.Contains(c.Name)).ToArray();
        if (columns.Length == 0)
            throw new InvalidOperationException("The scored data has none of the columns Score, Probability, PredictedLabel.");
        using DataViewRowCursor cursor = scored.GetRowCursor(columns);
        List<Func<string>> getters = columns.Select(c => MakeGetter(cursor, c)).ToList();
        var lines = new List<string>();
        while (cursor.MoveNext())
            lines.Add(string.Join('\t', getters.Select(g => g())));
        return lines;
    }

    private static string Bits(float value) => BitConverter.SingleToInt32Bits(value).ToString("X8");

    private static Func<string> MakeGetter(DataViewRowCursor cursor, DataViewSchema.Column column)
    {
        switch (column.Type)
        {
            case NumberDataViewType t when t.RawType == typeof(float):
            {
                var getter = cursor.GetGetter<float>(column);
                return () => { float v = 0; getter(ref v); return $"{column.Name}={Bits(v)}"; };
            }
            case VectorDataViewType t when t.ItemType.RawType == typeof(float):
            {
                var getter = cursor.GetGetter<VBuffer<float>>(column);
                return () => { VBuffer<float> v = default; getter(ref v); return $"{column.Name}={string.Join(',', v.DenseValues().Select(Bits))}"; };
            }
            case VectorDataViewType t when t.ItemType is BooleanDataViewType:
            {
                var getter = cursor.GetGetter<VBuffer<bool>>(column);
                return () => { VBuffer<bool> v = default; getter(ref v); return $"{column.Name}={string.Join(',', v.DenseValues())}"; };
            }
            case BooleanDataViewType:
            {
                var getter = cursor.GetGetter<bool>(column);
                return () => { bool v = false; getter(ref v); return $"{column.Name}={v}"; };
            }
            case KeyDataViewType:
            {
                var getter = cursor.GetGetter<uint>(column);
                return () => { uint v = 0; getter(ref v); return $"{column.Name}={v}"; };
            }
            default:
                throw new NotSupportedException($"Column '{column.Name}' has type {column.Type}, which the formatter does not handle.");
        }
    }
}
