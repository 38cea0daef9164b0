using System.Runtime.Intrinsics;

namespace MlNet.Mlp.Benchmarks;

/// <summary>
/// The widest vectors the runtime accelerates in this process, as the kernels see them. build/bench/compare.py
/// forces the AVX2 path with DOTNET_EnableAVX512=0 (.NET 10's name; it ignores the older DOTNET_EnableAVX512F) and
/// checks this name to make sure the setting took.
/// </summary>
public static class InstructionSet
{
    public static string Name =>
        Vector512.IsHardwareAccelerated ? "AVX-512"
        : Vector256.IsHardwareAccelerated ? "AVX2"
        : Vector128.IsHardwareAccelerated ? "128-bit"
        : "scalar";
}
