using System.Runtime.CompilerServices;

namespace MlNet.Mlp.Kernels;

/// <summary>
/// y = f(x), one element at a time. Operators are small structs (TensorPrimitives style): the scalar form for the
/// tails and one width-generic vector form, which must compute exactly what the scalar form computes, lane by lane,
/// so that an element's result does not depend on where a loop or a thread's chunk puts it.
/// </summary>
internal interface IUnaryOperator
{
    float Invoke(float x);

    TVector Invoke<TVector, TWidth>(TVector x) where TVector : struct where TWidth : struct, IVectorWidth<TVector>;
}

/// <summary>z = f(x, y), one element at a time; see <see cref="IUnaryOperator"/>.</summary>
internal interface IBinaryOperator
{
    float Invoke(float x, float y);

    TVector Invoke<TVector, TWidth>(TVector x, TVector y) where TVector : struct where TWidth : struct, IVectorWidth<TVector>;
}

/// <summary>
/// An optimiser step with one state value per parameter (momentum's Δw): (w, s) ← f(w, g, s). See
/// <see cref="IUnaryOperator"/> for the contract between the scalar and the vector form.
/// </summary>
internal interface IParameterUpdate
{
    (float Parameter, float State) Invoke(float parameter, float gradient, float state);

    (TVector Parameter, TVector State) Invoke<TVector, TWidth>(TVector parameter, TVector gradient, TVector state)
        where TVector : struct where TWidth : struct, IVectorWidth<TVector>;
}

/// <summary>An optimiser step with two state values per parameter (Adam's moments): (w, s, t) ← f(w, g, s, t).</summary>
internal interface IParameterUpdateWithTwoStates
{
    (float Parameter, float First, float Second) Invoke(float parameter, float gradient, float first, float second);

    (TVector Parameter, TVector First, TVector Second) Invoke<TVector, TWidth>(TVector parameter, TVector gradient, TVector first, TVector second)
        where TVector : struct where TWidth : struct, IVectorWidth<TVector>;
}

/// <summary>a → a (a layer without activation).</summary>
internal readonly struct IdentityOperator : IUnaryOperator
{
    public float Invoke(float x) => x;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVector Invoke<TVector, TWidth>(TVector x) where TVector : struct where TWidth : struct, IVectorWidth<TVector> => x;
}

/// <summary>(x, y) → f(x + y): a bias added, then an activation.</summary>
internal readonly struct AddThenOperator<TUnary> : IBinaryOperator where TUnary : struct, IUnaryOperator
{
    public float Invoke(float x, float y) => default(TUnary).Invoke(x + y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVector Invoke<TVector, TWidth>(TVector x, TVector y) where TVector : struct where TWidth : struct, IVectorWidth<TVector> =>
        default(TUnary).Invoke<TVector, TWidth>(TWidth.Add(x, y));
}

/// <summary>(x, y) → x·scale + y, rounded after the product and after the sum (no fused multiply-add).</summary>
internal readonly struct MultiplyAddOperator(float scale) : IBinaryOperator
{
    public float Invoke(float x, float y) => x * scale + y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVector Invoke<TVector, TWidth>(TVector x, TVector y) where TVector : struct where TWidth : struct, IVectorWidth<TVector> =>
        TWidth.Add(TWidth.Multiply(x, TWidth.Create(scale)), y);
}

/// <summary>(x, y) → x·y.</summary>
internal readonly struct MultiplyOperator : IBinaryOperator
{
    public float Invoke(float x, float y) => x * y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVector Invoke<TVector, TWidth>(TVector x, TVector y) where TVector : struct where TWidth : struct, IVectorWidth<TVector> =>
        TWidth.Multiply(x, y);
}

/// <summary>(x, y) → x − y.</summary>
internal readonly struct SubtractOperator : IBinaryOperator
{
    public float Invoke(float x, float y) => x - y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVector Invoke<TVector, TWidth>(TVector x, TVector y) where TVector : struct where TWidth : struct, IVectorWidth<TVector> =>
        TWidth.Subtract(x, y);
}

/// <summary>x → x·scale.</summary>
internal readonly struct ScaleOperator(float scale) : IUnaryOperator
{
    public float Invoke(float x) => x * scale;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVector Invoke<TVector, TWidth>(TVector x) where TVector : struct where TWidth : struct, IVectorWidth<TVector> =>
        TWidth.Multiply(x, TWidth.Create(scale));
}

/// <summary>(x, y) → x + y.</summary>
internal readonly struct AddOperator : IBinaryOperator
{
    public float Invoke(float x, float y) => x + y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVector Invoke<TVector, TWidth>(TVector x, TVector y) where TVector : struct where TWidth : struct, IVectorWidth<TVector> =>
        TWidth.Add(x, y);
}
