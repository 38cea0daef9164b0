using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace MlNet.Mlp.Kernels;

/// <summary>Fused parameter-update loops: one pass over parameters, gradient and optimiser state.</summary>
public static class OptimizerKernels
{
    /// <summary>
    /// Momentum step as in the course notes: Δw ← η·g + α·Δw; w ← w − Δw.
    /// With α = 0 this is plain SGD, w ← w − η·g.
    /// </summary>
    public static void MomentumStep(Span<float> w, ReadOnlySpan<float> g, Span<float> delta, float learningRate, float momentum)
    {
        CheckLengths(w.Length, g.Length, delta.Length);
        ref float wr = ref MemoryMarshal.GetReference(w);
        ref float gr = ref MemoryMarshal.GetReference(g);
        ref float dr = ref MemoryMarshal.GetReference(delta);
        var eta = new Vector<float>(learningRate);
        var alpha = new Vector<float>(momentum);
        int i = 0;
        for (; i <= w.Length - Vector<float>.Count; i += Vector<float>.Count)
        {
            var d = eta * Vector.LoadUnsafe(ref gr, (nuint)i) + alpha * Vector.LoadUnsafe(ref dr, (nuint)i);
            d.StoreUnsafe(ref dr, (nuint)i);
            (Vector.LoadUnsafe(ref wr, (nuint)i) - d).StoreUnsafe(ref wr, (nuint)i);
        }
        for (; i < w.Length; i++)
        {
            float d = learningRate * Unsafe.Add(ref gr, i) + momentum * Unsafe.Add(ref dr, i);
            Unsafe.Add(ref dr, i) = d;
            Unsafe.Add(ref wr, i) -= d;
        }
    }

    /// <summary>
    /// Nesterov momentum step (the Sutskever et al. reformulation that evaluates the gradient at the current
    /// weights): Δw ← η·g + α·Δw; w ← w − (η·g + α·Δw).
    /// </summary>
    public static void NesterovStep(Span<float> w, ReadOnlySpan<float> g, Span<float> delta, float learningRate, float momentum)
    {
        CheckLengths(w.Length, g.Length, delta.Length);
        ref float wr = ref MemoryMarshal.GetReference(w);
        ref float gr = ref MemoryMarshal.GetReference(g);
        ref float dr = ref MemoryMarshal.GetReference(delta);
        var eta = new Vector<float>(learningRate);
        var alpha = new Vector<float>(momentum);
        int i = 0;
        for (; i <= w.Length - Vector<float>.Count; i += Vector<float>.Count)
        {
            var step = eta * Vector.LoadUnsafe(ref gr, (nuint)i);
            var d = step + alpha * Vector.LoadUnsafe(ref dr, (nuint)i);
            d.StoreUnsafe(ref dr, (nuint)i);
            (Vector.LoadUnsafe(ref wr, (nuint)i) - (step + alpha * d)).StoreUnsafe(ref wr, (nuint)i);
        }
        for (; i < w.Length; i++)
        {
            float step = learningRate * Unsafe.Add(ref gr, i);
            float d = step + momentum * Unsafe.Add(ref dr, i);
            Unsafe.Add(ref dr, i) = d;
            Unsafe.Add(ref wr, i) -= step + momentum * d;
        }
    }

    /// <summary>
    /// Adam step: m ← β1·m + (1−β1)·g; v ← β2·v + (1−β2)·g²; w ← w − s·m / (√(v·c) + ε), where the caller
    /// passes the bias corrections for step t as s = η/(1−β1^t) and c = 1/(1−β2^t).
    /// </summary>
    public static void AdamStep(Span<float> w, ReadOnlySpan<float> g, Span<float> m, Span<float> v,
        float stepSize, float beta1, float beta2, float secondMomentCorrection, float epsilon)
    {
        CheckLengths(w.Length, g.Length, m.Length);
        CheckLengths(w.Length, g.Length, v.Length);
        ref float wr = ref MemoryMarshal.GetReference(w);
        ref float gr = ref MemoryMarshal.GetReference(g);
        ref float mr = ref MemoryMarshal.GetReference(m);
        ref float vr = ref MemoryMarshal.GetReference(v);
        var b1 = new Vector<float>(beta1);
        var b1c = new Vector<float>(1f - beta1);
        var b2 = new Vector<float>(beta2);
        var b2c = new Vector<float>(1f - beta2);
        var s = new Vector<float>(stepSize);
        var c = new Vector<float>(secondMomentCorrection);
        var eps = new Vector<float>(epsilon);
        int i = 0;
        for (; i <= w.Length - Vector<float>.Count; i += Vector<float>.Count)
        {
            var gv = Vector.LoadUnsafe(ref gr, (nuint)i);
            var mv = b1 * Vector.LoadUnsafe(ref mr, (nuint)i) + b1c * gv;
            var vv = b2 * Vector.LoadUnsafe(ref vr, (nuint)i) + b2c * (gv * gv);
            mv.StoreUnsafe(ref mr, (nuint)i);
            vv.StoreUnsafe(ref vr, (nuint)i);
            (Vector.LoadUnsafe(ref wr, (nuint)i) - s * mv / (Vector.SquareRoot(vv * c) + eps)).StoreUnsafe(ref wr, (nuint)i);
        }
        for (; i < w.Length; i++)
        {
            float gi = Unsafe.Add(ref gr, i);
            float mi = beta1 * Unsafe.Add(ref mr, i) + (1f - beta1) * gi;
            float vi = beta2 * Unsafe.Add(ref vr, i) + (1f - beta2) * (gi * gi);
            Unsafe.Add(ref mr, i) = mi;
            Unsafe.Add(ref vr, i) = vi;
            Unsafe.Add(ref wr, i) -= stepSize * mi / (MathF.Sqrt(vi * secondMomentCorrection) + epsilon);
        }
    }

    private static void CheckLengths(int parameters, int gradient, int state)
    {
        if (gradient != parameters || state != parameters)
            throw new ArgumentException($"Parameter ({parameters}), gradient ({gradient}) and optimiser state ({state}) lengths must match.");
    }
}
