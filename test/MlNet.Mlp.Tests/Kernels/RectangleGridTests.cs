using MlNet.Mlp.Kernels;
using Xunit;

namespace MlNet.Mlp.Tests.Kernels;

public class RectangleGridTests
{
    public static TheoryData<int, int, int, int, int> Grids()
    {
        var data = new TheoryData<int, int, int, int, int>();
        foreach ((int m, int n) in new[] { (128, 256), (256, 784), (784, 256), (128, 784), (1, 300), (300, 1), (33, 65), (2048, 2048), (10, 256) })
        {
            foreach (int threads in new[] { 1, 2, 3, 4, 16 })
            {
                foreach ((int rows, int columns) in new[] { (8, 32), (4, 24), (16, 16), (4, 16) })
                    data.Add(m, n, threads, rows, columns);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Grids))]
    public void Rectangles_cover_every_element_once_on_tile_boundaries(int m, int n, int threads, int tileRows, int tileColumns)
    {
        RectangleGrid grid = RectangleGrid.For(m, n, threads, tileRows, tileColumns);
        var covered = new int[m, n];
        for (int index = 0; index < grid.Count; index++)
        {
            grid.GetBounds(index, out int rowStart, out int rowEnd, out int colStart, out int colEnd);
            Assert.True(rowStart < rowEnd && colStart < colEnd, $"rectangle {index} is empty");
            // Tiles at the same positions as in a single-threaded product: what keeps C bit-identical.
            Assert.Equal(0, rowStart % tileRows);
            Assert.Equal(0, colStart % tileColumns);
            for (int i = rowStart; i < rowEnd; i++)
            {
                for (int j = colStart; j < colEnd; j++)
                    covered[i, j]++;
            }
        }
        foreach (int count in covered)
            Assert.Equal(1, count);
    }

    [Fact]
    public void Tiles_left_over_from_equal_strips_are_cut_across()
    {
        // 256 columns in 24-wide tiles are 11 tiles: two strips of 5, and the 11th in two halves of the rows, so that
        // two threads claiming in order get the same work (6 + 5 before).
        RectangleGrid grid = RectangleGrid.For(128, 256, 2, 4, 24);
        var bounds = Enumerable.Range(0, grid.Count).Select(index =>
        {
            grid.GetBounds(index, out int rowStart, out int rowEnd, out int colStart, out int colEnd);
            return (rowStart, rowEnd, colStart, colEnd);
        }).ToArray();
        Assert.Equal([(0, 128, 0, 120), (0, 128, 120, 240), (0, 64, 240, 256), (64, 128, 240, 256)], bounds);
    }

    [Fact]
    public void Strips_that_split_evenly_stay_one_per_thread()
    {
        RectangleGrid grid = RectangleGrid.For(128, 256, 2, 8, 32);
        Assert.Equal(2, grid.Count);
        grid.GetBounds(1, out int rowStart, out int rowEnd, out int colStart, out int colEnd);
        Assert.Equal((0, 128, 128, 256), (rowStart, rowEnd, colStart, colEnd));
    }
}
