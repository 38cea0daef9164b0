using MlNet.Mlp.Kernels;
using Xunit;

namespace MlNet.Mlp.Tests.Kernels;

/// <summary>
/// The one-row forward kernel against its double-precision definition in <see cref="KernelReference"/>, for row
/// counts that fill the groups of four and leave each remainder, and column counts that hit every split between the
/// paired vector blocks, the last single block and the scalar tail (0–100 and 784) at whichever width the run uses.
/// </summary>
public class MatrixVectorTests
{
    public static TheoryData<int, int> Shapes()
    {
        var shapes = new TheoryData<int, int>();
        foreach (int rows in new[] { 1, 3, 4, 5, 9, 10 })
        {
            foreach (int columns in Enumerable.Range(0, 101).Where(c => c % 7 == rows % 7 || c < 20).Append(784))
                shapes.Add(rows, columns);
        }
        return shapes;
    }

    private static float[] Random(int length, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, length).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MultiplyAdd_matches_the_reference(int rows, int columns)
    {
        float[] weights = Random(rows * columns, seed: rows * 1000 + columns);
        float[] x = Random(columns, seed: columns);
        float[] bias = Random(rows, seed: -rows);
        float[] y = new float[rows];
        MatrixVector.MultiplyAdd(weights, x, bias, y);
        double[] expected = KernelReference.MatrixVectorMultiplyAdd(weights, x, bias);
        for (int j = 0; j < rows; j++)
            Assert.True(Math.Abs(y[j] - expected[j]) <= 1e-5 * (1 + columns), $"{rows}×{columns}, row {j}: {y[j]} against {expected[j]}");
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void A_rows_output_is_the_same_whether_summed_in_a_group_of_four_or_alone(int rows, int columns)
    {
        float[] weights = Random(rows * columns, seed: rows + 7 * columns);
        float[] x = Random(columns, seed: 3 * columns + 1);
        float[] bias = Random(rows, seed: rows + 11);
        float[] y = new float[rows];
        MatrixVector.MultiplyAdd(weights, x, bias, y);
        for (int j = 0; j < rows; j++)
            Assert.Equal(MatrixVector.DotAdd(weights.AsSpan(j * columns, columns), x, bias[j]), y[j]);
    }

    [Fact]
    public void Mismatched_shapes_are_refused_naming_the_argument()
    {
        var weights = new float[11];
        var error = Assert.Throws<ArgumentException>(() => MatrixVector.MultiplyAdd(weights, new float[4], new float[3], new float[3]));
        Assert.Equal("weights", error.ParamName);
        error = Assert.Throws<ArgumentException>(() => MatrixVector.MultiplyAdd(new float[12], new float[4], new float[2], new float[3]));
        Assert.Equal("bias", error.ParamName);
    }
}
