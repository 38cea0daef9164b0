using System.Runtime.CompilerServices;

namespace MlNet.Mlp.Kernels;

/// <summary>A rows × columns block inside a row-major matrix with its own row stride.</summary>
/// <remarks>
/// Fully optimised from the first call, as the other kernels: the products call it every batch, and at tier 0 it was
/// 2% of a fresh process's first seven small-table Fits.
/// </remarks>
internal static unsafe class StridedBlock
{
    /// <summary>Copies <paramref name="rows"/> × <paramref name="columns"/> floats from one strided block to another.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Copy(float* from, int ldFrom, float* to, int ldTo, int rows, int columns)
    {
        for (int i = 0; i < rows; i++)
            new ReadOnlySpan<float>(from + (long)i * ldFrom, columns).CopyTo(new Span<float>(to + (long)i * ldTo, columns));
    }
}
