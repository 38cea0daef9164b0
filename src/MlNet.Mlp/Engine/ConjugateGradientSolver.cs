namespace MlNet.Mlp.Engine;

/// <summary>
/// Nonlinear conjugate gradient, Polak–Ribière with the PR+ restart: d ← −∇f + β·d with
/// β = max(0, ∇fᵀ(∇f − ∇f_prev) / ‖∇f_prev‖²); the first trial step reuses the last step's decrease
/// (Nocedal &amp; Wright eq. 3.60).
/// </summary>
internal sealed class ConjugateGradientSolver : FullBatchSolver
{
    private readonly double[] previousDirection;
    private double beta;
    private double previousSlope;
    private bool hasPrevious;

    public ConjugateGradientSolver(IDifferentiableFunction function, ReadOnlySpan<double> start)
        : base(function, start, curvature: 0.1)
    {
        previousDirection = new double[start.Length];
    }

    protected override void ComputeDirection()
    {
        for (int i = 0; i < Direction.Length; i++)
            Direction[i] = -Gradient[i] + (hasPrevious ? beta * previousDirection[i] : 0);
    }

    protected override double InitialStep(double lastStep)
    {
        double slope = StrongWolfeLineSearch.Dot(Gradient, Direction);
        return hasPrevious && lastStep > 0 ? 1.01 * lastStep * previousSlope / slope : UnitLengthStep();
    }

    protected override void Remember(double[] previousPoint, double[] previousGradient)
    {
        double previousNorm = StrongWolfeLineSearch.Dot(previousGradient, previousGradient);
        double numerator = 0;
        for (int i = 0; i < Gradient.Length; i++)
            numerator += Gradient[i] * (Gradient[i] - previousGradient[i]);
        beta = Math.Max(0, numerator / previousNorm);
        previousSlope = StrongWolfeLineSearch.Dot(previousGradient, Direction);
        Direction.CopyTo(previousDirection, 0);
        hasPrevious = true;
    }

    protected override void Reset() => hasPrevious = false;
}
