using Microsoft.ML.Data;
using MlNet.Mlp.Engine;

namespace MlNet.Mlp.Trainers;

/// <summary>The features of a training set as read: exactly one of the three forms is filled.</summary>
/// <param name="Dense">RowCount × FeatureCount values, row-major (may be longer); empty when another form holds the rows.</param>
/// <param name="Sparse">The rows as compressed sparse rows, or null.</param>
/// <param name="Quantized">The rows as byte codes, or null.</param>
internal readonly record struct StoredFeatures(float[] Dense, SparseRowMatrix? Sparse, QuantizedRowMatrix? Quantized);

/// <summary>
/// Where one pass of <see cref="TrainingRows"/> puts each row's features: a dense float matrix, compressed sparse rows
/// or byte codes. Room is given for a number of rows up front and grown when a view yields more than it counted.
/// </summary>
internal abstract class FeatureRowSink
{
    /// <summary>
    /// Stores <paramref name="row"/> as row number <paramref name="index"/> (rows arrive in order, each index below
    /// the room given). False when this sink cannot hold it: the pass then ends (the sink has let go of what it held)
    /// and the caller reads again otherwise.
    /// </summary>
    /// <remarks>
    /// Implementations are compiled fully optimised from their first call. A process may call Fit only a few times, and
    /// tiered compilation would run this once-a-row code unoptimised through about its first ten Fits.
    /// </remarks>
    public abstract bool TryAdd(in VBuffer<float> row, int index);

    /// <summary>Makes room for <paramref name="rows"/> rows, keeping those stored.</summary>
    public abstract void Resize(int rows);

    /// <summary>The first <paramref name="rows"/> rows stored.</summary>
    public abstract StoredFeatures Build(int rows);
}
