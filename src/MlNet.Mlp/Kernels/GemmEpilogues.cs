using System.Runtime.CompilerServices;

namespace MlNet.Mlp.Kernels;

/// <summary>
/// Work a product's caller would otherwise do in a separate pass over C, done instead on each tile of C right after
/// its last depth block, while the tile is still in L1: the bias and activation of a layer's forward pass, the L2 term
/// of a weight gradient, the activation derivative of a backward pass.
/// </summary>
/// <remarks>
/// <see cref="Apply"/> runs exactly once per element of C, with C's final value, and only in elementwise operators
/// (<see cref="IUnaryOperator"/>, <see cref="IBinaryOperator"/>), so its results are those of the separate pass and do
/// not depend on how C is split into tiles or threads.
/// </remarks>
internal unsafe interface IGemmEpilogue
{
    /// <summary>Finishes <paramref name="rows"/> × <paramref name="columns"/> elements of C, the block whose first
    /// element is C[<paramref name="row"/>, <paramref name="column"/>] at <paramref name="c"/> (row stride
    /// <paramref name="ldc"/>). That may be a rectangle's private buffer rather than C itself
    /// (<see cref="GemmRectangleTarget"/>), so other matrices are found from <paramref name="row"/> and
    /// <paramref name="column"/>, never from <paramref name="c"/>'s offset.</summary>
    void Apply(float* c, int ldc, int row, int column, int rows, int columns);
}

/// <summary>Leaves C as the product.</summary>
internal readonly unsafe struct NoEpilogue : IGemmEpilogue
{
    public void Apply(float* c, int ldc, int row, int column, int rows, int columns)
    {
    }
}

/// <summary>C[i, j] = Φ(C[i, j] + bias[j]): a layer's pre-activations and, for Φ = identity, nothing more.</summary>
internal readonly unsafe struct BiasActivationEpilogue<TActivation>(float* bias) : IGemmEpilogue where TActivation : struct, IUnaryOperator
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(float* c, int ldc, int row, int column, int rows, int columns)
    {
        var op = new AddThenOperator<TActivation>();
        for (int i = 0; i < rows; i++)
        {
            float* line = c + (long)i * ldc;
            ElementwiseLoops.MapInline(op, ref *line, ref bias[column], ref *line, (nuint)columns);
        }
    }
}

/// <summary>C[i, j] = M[i, j]·scale + C[i, j]: a weight gradient's L2 term λW (M = W, with W's layout).</summary>
internal readonly unsafe struct ScaledAddEpilogue(float* matrix, int ldm, float scale) : IGemmEpilogue
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(float* c, int ldc, int row, int column, int rows, int columns)
    {
        var op = new MultiplyAddOperator(scale);
        for (int i = 0; i < rows; i++)
        {
            float* line = c + (long)i * ldc;
            ElementwiseLoops.MapInline(op, ref matrix[(long)(row + i) * ldm + column], ref *line, ref *line, (nuint)columns);
        }
    }
}

/// <summary>C[i, j] = backward(H[i, j], C[i, j]): the derivative of the previous layer's activation, given its
/// outputs H (C's layout), applied to the gradient the product propagated.</summary>
internal readonly unsafe struct ActivationBackwardEpilogue<TBackward>(float* outputs, int ldh) : IGemmEpilogue where TBackward : struct, IBinaryOperator
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(float* c, int ldc, int row, int column, int rows, int columns)
    {
        var op = new TBackward();
        for (int i = 0; i < rows; i++)
        {
            float* line = c + (long)i * ldc;
            ElementwiseLoops.MapInline(op, ref outputs[(long)(row + i) * ldh + column], ref *line, ref *line, (nuint)columns);
        }
    }
}

/// <summary>
/// A weight gradient finished and applied: C[i, j] = W[i, j]·λ + C[i, j] (when λ &gt; 0, as <see cref="ScaledAddEpilogue"/>),
/// then the optimiser's <typeparamref name="TStep"/> on W[i, j] and its state at C's positions, with W and the state in
/// C's layout. The gradient is used while its tile is in L1, and W is read once for both steps, where a separate
/// optimiser pass would stream W, the gradient and the state again after the product.
/// </summary>
internal readonly unsafe struct ParameterUpdateEpilogue<TStep>(float* weights, int ldw, float l2, TStep step) : IGemmEpilogue
    where TStep : struct, IRowStep
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(float* c, int ldc, int row, int column, int rows, int columns)
    {
        for (int i = 0; i < rows; i++)
        {
            float* line = c + (long)i * ldc;
            long offset = (long)(row + i) * ldw + column;
            if (l2 > 0)
                ElementwiseLoops.MapInline(new MultiplyAddOperator(l2), ref weights[offset], ref *line, ref *line, (nuint)columns);
            step.Apply(ref weights[offset], ref *line, offset, (nuint)columns);
        }
    }
}

/// <summary>An optimiser's step on a run of weights in <see cref="ParameterUpdateEpilogue{TStep}"/>: its rule and state.</summary>
internal interface IRowStep
{
    /// <summary>Steps <paramref name="count"/> weights from <paramref name="weights"/> given their gradient; the state
    /// of the first is at <paramref name="offset"/> in the state arrays (W's layout).</summary>
    void Apply(ref float weights, ref float gradient, long offset, nuint count);
}

/// <summary>A rule with one state value per weight (momentum's Δw).</summary>
internal readonly unsafe struct OneStateStep<TUpdate>(float* state, TUpdate update) : IRowStep where TUpdate : struct, IParameterUpdate
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(ref float weights, ref float gradient, long offset, nuint count) =>
        ElementwiseLoops.UpdateInline(update, ref weights, ref gradient, ref state[offset], count);
}

/// <summary>A rule with two state values per weight (Adam's moments).</summary>
internal readonly unsafe struct TwoStateStep<TUpdate>(float* first, float* second, TUpdate update) : IRowStep
    where TUpdate : struct, IParameterUpdateWithTwoStates
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(ref float weights, ref float gradient, long offset, nuint count) =>
        ElementwiseLoops.UpdateInline(update, ref weights, ref gradient, ref first[offset], ref second[offset], count);
}
