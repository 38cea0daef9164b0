using MlNet.Mlp.Kernels;
using Xunit;

namespace MlNet.Mlp.Tests.Kernels;

/// <summary>
/// Which rectangles of C sum in a private buffer: those that share a cache line with a neighbour in the same rows and
/// read and write C more than once (several depth blocks), up to a size. The results are the same either way (the
/// thread-count and epilogue tests check that); these pin the decision, which only speed depends on.
/// </summary>
public unsafe class GemmRectangleTargetTests
{
    private const int M = 128, N = 256;

    [Theory]
    // 64-byte-aligned C, whole-line row stride: the edge at column 128 starts a line, nothing is shared.
    [InlineData(0, 256, 784, 128, 256, 0)]
    // C 16 bytes past a line: the same edge splits a line, on either side of it.
    [InlineData(16, 256, 784, 128, 256, M * 128)]
    [InlineData(16, 256, 784, 0, 128, M * 128)]
    // A row stride that is not whole lines puts the edge mid-line in most rows.
    [InlineData(0, 257, 784, 128, 256, M * 128)]
    // One depth block: C is written once, so there is no repeated traffic to save.
    [InlineData(16, 256, 256, 128, 256, 0)]
    // The rectangle holds whole rows: no neighbour in them.
    [InlineData(16, 256, 784, 0, 256, 0)]
    public void A_rectangle_sums_privately_only_when_it_shares_lines_over_several_depth_blocks(
        int cOffsetBytes, int ldc, int k, int colStart, int colEnd, int expectedFloats)
    {
        var op = Operands(cOffsetBytes, ldc, M, N, k);
        Assert.Equal(expectedFloats, GemmRectangleTarget.PrivateFloats(op, 0, M, colStart, colEnd, depthBlock: 256));
    }

    [Fact]
    public void Rectangles_larger_than_the_limit_sum_in_C()
    {
        int rows = GemmRectangleTarget.MaxPrivateFloats / 128 + 1;
        var op = Operands(16, 256, rows, N, 784);
        Assert.Equal(0, GemmRectangleTarget.PrivateFloats(op, 0, rows, 0, 128, depthBlock: 256));
        Assert.Equal((rows - 1) * 128, GemmRectangleTarget.PrivateFloats(op, 0, rows - 1, 0, 128, depthBlock: 256));
    }

    // Only C's address, its stride and the shape are looked at; no operand is read.
    private static GemmOperands Operands(int cOffsetBytes, int ldc, int m, int n, int k) =>
        new(false, true, m, n, k, null, k, null, k, (float*)(nint)(1 << 20) + cOffsetBytes / sizeof(float), ldc, false, null);
}
