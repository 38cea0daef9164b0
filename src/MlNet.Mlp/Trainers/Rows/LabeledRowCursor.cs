using System.Runtime.CompilerServices;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;

namespace MlNet.Mlp.Trainers;

/// <summary>
/// ML.NET's training cursor over features and the optional weight, with the label read by a <see cref="LabelReader"/>
/// (scalar or vector). Like ML.NET's FloatLabelCursor it reads the label first and skips, counting them, rows whose
/// label has a NaN or infinite value; the base then skips rows with a bad weight or (unless told to allow them) a
/// NaN or infinite feature.
/// </summary>
internal sealed class LabeledRowCursor : FeatureFloatVectorCursor
{
    private readonly LabelReader _label;
    private readonly float[] _labelValues;

    public LabeledRowCursor(RoleMappedData data, CursOpt options)
        : base(CreateCursor(data, options | CursOpt.Label, null), data, options)
    {
        _label = LabelReader.Create(Row, data.Schema);
        _labelValues = new float[_label.Width];
    }

    /// <summary>Values per label: 1 for a scalar label.</summary>
    public int LabelWidth => _label.Width;

    /// <summary>The current row's label.</summary>
    public ReadOnlySpan<float> Label => _labelValues;

    public long BadLabelCount { get; private set; }

    // Once a row, in a Fit a process may call only once: see FeatureRowSink.TryAdd.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override bool Accept()
    {
        if (!_label.TryRead(_labelValues))
        {
            BadLabelCount++;
            return false;
        }
        return base.Accept();
    }
}
