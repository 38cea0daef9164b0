using System.Runtime.CompilerServices;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Internal.Utilities;

namespace MlNet.Mlp.Trainers;

/// <summary>
/// Reads the label of the row under a cursor as <see cref="Width"/> floats: a scalar label as ML.NET's trainers read
/// it (Boolean 1 or 0, key 0-based index, number as it is), or each entry of a known-size vector of Single or Boolean.
/// </summary>
internal abstract class LabelReader
{
    private LabelReader(int width) => Width = width;

    /// <summary>Floats per label: 1 for a scalar, the vector's size otherwise.</summary>
    public int Width { get; }

    /// <summary>
    /// A reader of <paramref name="schema"/>'s label column on <paramref name="row"/>. A vector label must already
    /// have been checked to be a known-size vector of Single or Boolean by the trainer (which names the column).
    /// </summary>
    public static LabelReader Create(DataViewRow row, RoleMappedSchema schema)
    {
        DataViewSchema.Column label = schema.Label!.Value;
        return label.Type switch
        {
            VectorDataViewType { ItemType: BooleanDataViewType, IsKnownSize: true } vector => new BooleanVector(row.GetGetter<VBuffer<bool>>(label), vector.Size),
            VectorDataViewType { ItemType: NumberDataViewType { RawType: var raw }, IsKnownSize: true } vector when raw == typeof(float) =>
                new SingleVector(row.GetGetter<VBuffer<float>>(label), vector.Size),
            VectorDataViewType => throw new InvalidOperationException(
                $"Label column '{label.Name}' is a {label.Type}; a vector label must be a known-size vector of Single or Boolean."),
            _ => new Scalar(RowCursorUtils.GetLabelGetter(row, label.Index)),
        };
    }

    /// <summary>
    /// Writes the current row's label into the first <see cref="Width"/> values of <paramref name="destination"/>;
    /// false when a value is NaN or infinite (a missing label, which ML.NET's trainers skip).
    /// </summary>
    /// <remarks>Compiled fully optimised from the first call, as <see cref="FeatureRowSink.TryAdd"/> is, and for the same reason.</remarks>
    public abstract bool TryRead(Span<float> destination);

    private sealed class Scalar(ValueGetter<float> getter) : LabelReader(1)
    {
        private float _value;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public override bool TryRead(Span<float> destination)
        {
            getter(ref _value);
            destination[0] = _value;
            return FloatUtils.IsFinite(_value);
        }
    }

    private sealed class SingleVector(ValueGetter<VBuffer<float>> getter, int size) : LabelReader(size)
    {
        private VBuffer<float> _value;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public override bool TryRead(Span<float> destination)
        {
            getter(ref _value);
            Span<float> label = destination[..Width];
            _value.CopyTo(label);
            return FloatUtils.IsFinite(label);
        }
    }

    private sealed class BooleanVector(ValueGetter<VBuffer<bool>> getter, int size) : LabelReader(size)
    {
        private VBuffer<bool> _value;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public override bool TryRead(Span<float> destination)
        {
            getter(ref _value);
            destination[..Width].Clear();
            ReadOnlySpan<bool> values = _value.GetValues();
            if (_value.IsDense)
            {
                for (int j = 0; j < values.Length; j++)
                    destination[j] = values[j] ? 1f : 0f;
            }
            else
            {
                ReadOnlySpan<int> indices = _value.GetIndices();
                for (int k = 0; k < values.Length; k++)
                    destination[indices[k]] = values[k] ? 1f : 0f;
            }
            return true;
        }
    }
}
