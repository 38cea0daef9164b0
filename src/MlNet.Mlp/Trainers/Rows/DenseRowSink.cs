using Microsoft.ML.Data;

namespace MlNet.Mlp.Trainers;

/// <summary>Rows copied into one row-major float matrix; sparse rows are expanded with their zeros.</summary>
internal sealed class DenseRowSink(int featureCount, int rows) : FeatureRowSink
{
    private float[] _values = new float[rows * (long)featureCount];

    public override bool TryAdd(in VBuffer<float> row, int index)
    {
        row.CopyTo(_values.AsSpan(index * featureCount, featureCount));
        return true;
    }

    public override void Resize(int rows) => Array.Resize(ref _values, rows * featureCount);

    public override StoredFeatures Build(int rows) => new(_values, null, null);
}
