using System.Runtime.CompilerServices;

namespace MlNet.Mlp.Kernels;

/// <summary>
/// Fused parameter-update loops: one pass over parameters, gradient and optimiser state. Each rule is an operator
/// struct run by <see cref="ElementwiseLoops"/>' update drivers, split over up to <c>numberOfThreads</c> threads
/// (<see cref="ParallelElementwise"/>; the result does not depend on the thread count).
/// </summary>
public static class OptimizerKernels
{
    /// <summary>
    /// Momentum step as in the course notes: Δw ← η·g + α·Δw; w ← w − Δw.
    /// With α = 0 this is plain SGD, w ← w − η·g.
    /// </summary>
    public static void MomentumStep(Span<float> w, ReadOnlySpan<float> g, Span<float> delta, float learningRate, float momentum,
        int numberOfThreads = 1) =>
        ParallelElementwise.Update(new MomentumOperator(learningRate, momentum), w, g, delta, numberOfThreads);

    /// <summary>
    /// Nesterov momentum step (the Sutskever et al. reformulation that evaluates the gradient at the current
    /// weights): Δw ← η·g + α·Δw; w ← w − (η·g + α·Δw).
    /// </summary>
    public static void NesterovStep(Span<float> w, ReadOnlySpan<float> g, Span<float> delta, float learningRate, float momentum,
        int numberOfThreads = 1) =>
        ParallelElementwise.Update(new NesterovOperator(learningRate, momentum), w, g, delta, numberOfThreads);

    /// <summary>
    /// Adam step: m ← β1·m + (1−β1)·g; v ← β2·v + (1−β2)·g²; w ← w·δ − s·m / (√(v·c) + ε), where the caller
    /// passes the bias corrections for step t as s = η/(1−β1^t) and c = 1/(1−β2^t), and AdamW's decoupled decay as
    /// δ = 1 − η·λ (1 for Adam, where w·1 is w exactly). Decaying here rather than in a pass of its own spares one
    /// read and one write of every weight: the step streams w, g, m and v, and with batches of 32 on 784 inputs it was
    /// half of a Fit.
    /// </summary>
    public static void AdamStep(Span<float> w, ReadOnlySpan<float> g, Span<float> m, Span<float> v,
        float stepSize, float beta1, float beta2, float secondMomentCorrection, float epsilon, float decay = 1f, int numberOfThreads = 1) =>
        ParallelElementwise.Update(new AdamOperator(stepSize, beta1, beta2, secondMomentCorrection, epsilon, decay), w, g, m, v, numberOfThreads);
}

/// <summary>Δw ← η·g + α·Δw; w ← w − Δw.</summary>
internal readonly struct MomentumOperator(float learningRate, float momentum) : IParameterUpdate
{
    public (float Parameter, float State) Invoke(float w, float g, float delta)
    {
        float d = learningRate * g + momentum * delta;
        return (w - d, d);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public (TVector Parameter, TVector State) Invoke<TVector, TWidth>(TVector w, TVector g, TVector delta)
        where TVector : struct where TWidth : struct, IVectorWidth<TVector>
    {
        TVector d = TWidth.Add(TWidth.Multiply(TWidth.Create(learningRate), g), TWidth.Multiply(TWidth.Create(momentum), delta));
        return (TWidth.Subtract(w, d), d);
    }
}

/// <summary>Δw ← η·g + α·Δw; w ← w − (η·g + α·Δw).</summary>
internal readonly struct NesterovOperator(float learningRate, float momentum) : IParameterUpdate
{
    public (float Parameter, float State) Invoke(float w, float g, float delta)
    {
        float step = learningRate * g;
        float d = step + momentum * delta;
        return (w - (step + momentum * d), d);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public (TVector Parameter, TVector State) Invoke<TVector, TWidth>(TVector w, TVector g, TVector delta)
        where TVector : struct where TWidth : struct, IVectorWidth<TVector>
    {
        TVector alpha = TWidth.Create(momentum);
        TVector step = TWidth.Multiply(TWidth.Create(learningRate), g);
        TVector d = TWidth.Add(step, TWidth.Multiply(alpha, delta));
        return (TWidth.Subtract(w, TWidth.Add(step, TWidth.Multiply(alpha, d))), d);
    }
}

/// <summary>m ← β1·m + (1−β1)·g; v ← β2·v + (1−β2)·g²; w ← w·δ − s·m / (√(v·c) + ε).</summary>
internal readonly struct AdamOperator(float stepSize, float beta1, float beta2, float secondMomentCorrection, float epsilon, float decay)
    : IParameterUpdateWithTwoStates
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public (float Parameter, float First, float Second) Invoke(float w, float g, float m, float v)
    {
        float mi = beta1 * m + (1f - beta1) * g;
        float vi = beta2 * v + (1f - beta2) * (g * g);
        return (w * decay - stepSize * mi / (MathF.Sqrt(vi * secondMomentCorrection) + epsilon), mi, vi);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public (TVector Parameter, TVector First, TVector Second) Invoke<TVector, TWidth>(TVector w, TVector g, TVector m, TVector v)
        where TVector : struct where TWidth : struct, IVectorWidth<TVector>
    {
        TVector mi = TWidth.Add(TWidth.Multiply(TWidth.Create(beta1), m), TWidth.Multiply(TWidth.Create(1f - beta1), g));
        TVector vi = TWidth.Add(TWidth.Multiply(TWidth.Create(beta2), v), TWidth.Multiply(TWidth.Create(1f - beta2), TWidth.Multiply(g, g)));
        TVector denominator = TWidth.Add(TWidth.Sqrt(TWidth.Multiply(vi, TWidth.Create(secondMomentCorrection))), TWidth.Create(epsilon));
        TVector w2 = TWidth.Subtract(TWidth.Multiply(w, TWidth.Create(decay)), TWidth.Divide(TWidth.Multiply(TWidth.Create(stepSize), mi), denominator));
        return (w2, mi, vi);
    }
}
