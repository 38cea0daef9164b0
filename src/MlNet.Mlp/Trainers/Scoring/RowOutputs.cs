using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNet.Mlp.Trainers;

/// <summary>Computes a model's outputs for one feature vector, using <paramref name="dense"/> as scratch for a dense copy.</summary>
internal delegate void OutputComputer(in VBuffer<float> features, Span<float> dense, Span<float> outputs);

/// <summary>
/// The network outputs of the row under one cursor, computed once per row however many output columns read them.
/// One per cursor: cursors on other threads have their own, so scoring from several threads shares nothing mutable.
/// </summary>
internal sealed class RowOutputs(DataViewRow input, DataViewSchema.Column features, int featureCount, int outputCount, OutputComputer compute)
{
    private readonly ValueGetter<VBuffer<float>> _getFeatures = input.GetGetter<VBuffer<float>>(features);
    private readonly float[] _dense = new float[featureCount];
    private readonly float[] _outputs = new float[outputCount];
    private VBuffer<float> _features;
    private long _position = -1;

    /// <summary>The outputs for the input row's current position.</summary>
    public ReadOnlySpan<float> Current()
    {
        if (_position != input.Position)
        {
            _getFeatures(ref _features);
            compute(_features, _dense, _outputs);
            _position = input.Position;
        }
        return _outputs;
    }
}
