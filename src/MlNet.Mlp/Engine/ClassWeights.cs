namespace MlNet.Mlp.Engine;

/// <summary>Per-class weights that multiply the example weights of a classification training set.</summary>
public static class ClassWeights
{
    /// <summary>
    /// scikit-learn's 'balanced' weights: class c weighs n / (K·n_c), where n_c is the (example-weighted) count of
    /// class c among the first <paramref name="rowCount"/> labels, n their sum and K the number of classes present.
    /// A class absent from the labels weighs 0. Balanced classes all weigh 1.
    /// </summary>
    /// <param name="classes">The class index (0 … classCount − 1) of each row, stored as a float.</param>
    /// <param name="rowCount">Rows to count.</param>
    /// <param name="classCount">Number of classes.</param>
    /// <param name="exampleWeights">A weight per row, or null for 1.</param>
    public static double[] Balanced(ReadOnlySpan<float> classes, int rowCount, int classCount, ReadOnlySpan<float> exampleWeights = default)
    {
        var counts = new double[classCount];
        for (int row = 0; row < rowCount; row++)
            counts[(int)classes[row]] += exampleWeights.IsEmpty ? 1 : exampleWeights[row];
        double total = counts.Sum();
        int present = counts.Count(c => c > 0);
        return counts.Select(c => c > 0 ? total / (present * c) : 0).ToArray();
    }

    /// <summary>
    /// A new weight per row: its example weight (1 without) times its class's weight.
    /// </summary>
    public static float[] Apply(ReadOnlySpan<double> classWeights, ReadOnlySpan<float> classes, int rowCount, ReadOnlySpan<float> exampleWeights = default)
    {
        var weights = new float[rowCount];
        for (int row = 0; row < rowCount; row++)
            weights[row] = (float)((exampleWeights.IsEmpty ? 1 : exampleWeights[row]) * classWeights[(int)classes[row]]);
        return weights;
    }
}
