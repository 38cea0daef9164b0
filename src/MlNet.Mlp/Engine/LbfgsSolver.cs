namespace MlNet.Mlp.Engine;

/// <summary>
/// Limited-memory BFGS (Nocedal 1980; Liu &amp; Nocedal 1989): the direction is −H·∇f, with H the inverse-Hessian
/// estimate from the last m steps s = Δx and gradient changes y = Δ∇f by the two-loop recursion, scaled by
/// γ = sᵀy / yᵀy of the newest pair. A pair with sᵀy ≤ 0 (no curvature information) is not stored.
/// </summary>
internal sealed class LbfgsSolver : FullBatchSolver
{
    private readonly double[][] steps;
    private readonly double[][] gradientChanges;
    private readonly double[] inverseCurvatures;
    private readonly double[] alphas;
    private int stored;
    private int newest = -1;

    public LbfgsSolver(IDifferentiableFunction function, ReadOnlySpan<double> start, int historySize)
        : base(function, start, curvature: 0.9)
    {
        steps = new double[historySize][];
        gradientChanges = new double[historySize][];
        for (int k = 0; k < historySize; k++)
        {
            steps[k] = new double[start.Length];
            gradientChanges[k] = new double[start.Length];
        }
        inverseCurvatures = new double[historySize];
        alphas = new double[historySize];
    }

    protected override void ComputeDirection()
    {
        double[] q = Direction;
        for (int i = 0; i < q.Length; i++)
            q[i] = -Gradient[i];
        int m = steps.Length;
        for (int j = 0; j < stored; j++)
        {
            int k = (newest - j + m) % m;
            alphas[k] = inverseCurvatures[k] * StrongWolfeLineSearch.Dot(steps[k], q);
            Axpy(-alphas[k], gradientChanges[k], q);
        }
        if (stored > 0)
        {
            double[] y = gradientChanges[newest];
            double gamma = StrongWolfeLineSearch.Dot(steps[newest], y) / StrongWolfeLineSearch.Dot(y, y);
            for (int i = 0; i < q.Length; i++)
                q[i] *= gamma;
        }
        for (int j = stored - 1; j >= 0; j--)
        {
            int k = (newest - j + m) % m;
            double beta = inverseCurvatures[k] * StrongWolfeLineSearch.Dot(gradientChanges[k], q);
            Axpy(alphas[k] - beta, steps[k], q);
        }
    }

    // With curvature memory the quasi-Newton step has its own scale, so 1 is the natural first trial.
    protected override double InitialStep() => stored > 0 ? 1 : UnitLengthStep();

    protected override void Remember(double[] previousPoint, double[] previousGradient)
    {
        int slot = (newest + 1) % steps.Length;
        double[] s = steps[slot], y = gradientChanges[slot];
        for (int i = 0; i < s.Length; i++)
        {
            s[i] = Point[i] - previousPoint[i];
            y[i] = Gradient[i] - previousGradient[i];
        }
        double sy = StrongWolfeLineSearch.Dot(s, y);
        if (!(sy > 1e-10 * StrongWolfeLineSearch.Dot(y, y)))
            return;
        inverseCurvatures[slot] = 1 / sy;
        newest = slot;
        stored = Math.Min(stored + 1, steps.Length);
    }

    protected override void Reset()
    {
        stored = 0;
        newest = -1;
    }

    private static void Axpy(double a, double[] x, double[] y)
    {
        for (int i = 0; i < y.Length; i++)
            y[i] += a * x[i];
    }
}
