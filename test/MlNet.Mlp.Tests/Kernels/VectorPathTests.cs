using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Xunit;

namespace MlNet.Mlp.Tests.Kernels;

/// <summary>
/// .ci/run repeats the kernel and engine tests with the runtime told to stop short of AVX-512 or of AVX2, so that
/// an AVX-512 machine also runs the narrower kernel paths. It names the path it expects in
/// MLNET_MLP_EXPECTED_VECTOR_PATH; this test fails when the runtime did not take it (a knob the runtime ignores:
/// .NET 10 reads DOTNET_EnableAVX512, not the older DOTNET_EnableAVX512F).
/// </summary>
public class VectorPathTests
{
    [Fact]
    public void The_kernels_run_on_the_vector_path_the_test_run_asked_for()
    {
        string widest = Vector512.IsHardwareAccelerated ? "AVX-512"
            : Vector256.IsHardwareAccelerated ? "AVX2"
            : Vector128.IsHardwareAccelerated ? "128-bit"
            : "scalar";
        string? expected = Environment.GetEnvironmentVariable("MLNET_MLP_EXPECTED_VECTOR_PATH");
        if (expected is not null)
            Assert.Equal(expected, widest);
        // Without a request the runtime takes the widest path the x86 hardware has.
        else if (Avx512F.IsSupported)
            Assert.Equal("AVX-512", widest);
        else if (Avx2.IsSupported)
            Assert.Equal("AVX2", widest);
    }
}
