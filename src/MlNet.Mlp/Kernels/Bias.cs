namespace MlNet.Mlp.Kernels;

/// <summary>Row-vector broadcast and its adjoint: adding a bias to every row, and summing the rows (the bias gradient).</summary>
public static class Bias
{
    /// <summary>Z[i, j] += b[j] for every row i of the rows×b.Length matrix Z (row stride <paramref name="ldz"/>).</summary>
    public static void AddToRows(Span<float> z, int rows, int ldz, ReadOnlySpan<float> bias)
    {
        for (int i = 0; i < rows; i++)
        {
            Span<float> row = z.Slice(i * ldz, bias.Length);
            ElementwiseLoops.Map(new AddOperator(), row, bias, row);
        }
    }

    /// <summary>s[j] = Σ_i G[i, j] (or s[j] += … when <paramref name="accumulate"/>), summed row by row in
    /// increasing i, vectorised across j only.</summary>
    /// <remarks>The fixed row order makes the sum independent of thread count and batch layout, which the
    /// engine's bit-identical-weights guarantee depends on.</remarks>
    public static void SumRows(ReadOnlySpan<float> g, int rows, int ldg, Span<float> sums, bool accumulate)
    {
        if (!accumulate)
            sums.Clear();
        for (int i = 0; i < rows; i++)
            ElementwiseLoops.Map(new AddOperator(), sums, g.Slice(i * ldg, sums.Length), sums);
    }

    /// <summary>
    /// <see cref="SumRows(ReadOnlySpan{float}, int, int, Span{float}, bool)"/> with the columns split over up to
    /// <paramref name="numberOfThreads"/> threads: each column is still summed row by row in increasing i, so the
    /// result is the same for any thread count.
    /// </summary>
    public static unsafe void SumRows(ReadOnlySpan<float> g, int rows, int ldg, Span<float> sums, bool accumulate, int numberOfThreads)
    {
        if (rows > 0 && g.Length < (long)(rows - 1) * ldg + sums.Length)
            throw new ArgumentException($"{rows} rows of stride {ldg} need {(long)(rows - 1) * ldg + sums.Length} values; got {g.Length}.", nameof(g));
        fixed (float* gp = g)
        fixed (float* sp = sums)
        {
            var job = new ColumnSumJob(gp, rows, ldg, sp, accumulate);
            int minimumColumns = ParallelElementwise.MinimumItems(rows);
            ParallelRanges.Run(ref job, sums.Length, numberOfThreads, minimumColumns);
        }
    }

    private readonly unsafe struct ColumnSumJob(float* g, int rows, int ldg, float* sums, bool accumulate) : IRangeJob
    {
        public void Run(int start, int end) =>
            SumRows(new ReadOnlySpan<float>(g + start, rows == 0 ? 0 : (rows - 1) * ldg + end - start), rows, ldg,
                new Span<float>(sums + start, end - start), accumulate);
    }
}
