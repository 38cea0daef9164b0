using System.Runtime.CompilerServices;
using Microsoft.ML.Data;

namespace MlNet.Mlp.Trainers;

/// <summary>Rows copied into one row-major float matrix; sparse rows are expanded with their zeros.</summary>
internal sealed class DenseRowSink : FeatureRowSink
{
    private readonly int _featureCount;
    private float[] _values;

    public DenseRowSink(int featureCount, int rows)
    {
        _featureCount = featureCount;
        _values = new float[rows * (long)featureCount];
        PageFaultAhead.Start(_values);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override bool TryAdd(in VBuffer<float> row, int index)
    {
        row.CopyTo(_values.AsSpan(index * _featureCount, _featureCount));
        return true;
    }

    public override void Resize(int rows) => Array.Resize(ref _values, rows * _featureCount);

    public override StoredFeatures Build(int rows) => new(_values, null, null);
}
