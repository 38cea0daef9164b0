using System.Runtime.CompilerServices;

namespace MlNet.Mlp.Kernels;

/// <summary>
/// The smooth clip of robust input scaling, x ↦ τ·t / √(1 + t²) with t = clamp(x/τ, ±s): near x for |x| ≪ τ,
/// inside (−τ, τ) for every x. It runs once per feature of every scaled row (each training row once, each row scored),
/// so it is vectorised like the activations.
/// </summary>
internal static class SmoothClip
{
    /// <summary>Clips <paramref name="values"/> in place with bound τ = <paramref name="bound"/> and t held within ±<paramref name="saturation"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Apply(Span<float> values, float bound, float saturation) =>
        ElementwiseLoops.Map(new SmoothClipOperator(bound, saturation), values, values);
}

/// <summary>
/// x ↦ τ·t / √(1 + t²), t = min(max(x·(1/τ), −s), s). Holding t within ±s keeps t² finite: beyond s = 10⁶ the
/// quotient rounds to ±1 in float anyway, so huge inputs saturate at ±τ instead of becoming ∞/∞.
/// </summary>
internal readonly struct SmoothClipOperator(float bound, float saturation) : IUnaryOperator
{
    private readonly float _bound = bound;
    private readonly float _inverseBound = 1f / bound;
    private readonly float _saturation = saturation;

    public float Invoke(float x)
    {
        float t = MathF.Min(MathF.Max(x * _inverseBound, -_saturation), _saturation);
        return _bound * t / MathF.Sqrt(1f + t * t);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVector Invoke<TVector, TWidth>(TVector x) where TVector : struct where TWidth : struct, IVectorWidth<TVector>
    {
        TVector t = TWidth.Min(TWidth.Max(TWidth.Multiply(x, TWidth.Create(_inverseBound)), TWidth.Create(-_saturation)), TWidth.Create(_saturation));
        return TWidth.Divide(TWidth.Multiply(TWidth.Create(_bound), t), TWidth.Sqrt(TWidth.Add(TWidth.Create(1f), TWidth.Multiply(t, t))));
    }
}
