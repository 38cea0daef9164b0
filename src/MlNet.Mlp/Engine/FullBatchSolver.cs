namespace MlNet.Mlp.Engine;

/// <summary>
/// A deterministic full-batch minimiser of an <see cref="IDifferentiableFunction"/> by line searches along descent
/// directions; the derived class chooses the direction. One <see cref="Iterate"/> is one direction and one line search.
/// </summary>
internal abstract class FullBatchSolver
{
    /// <summary>Converged when every gradient entry is this small (scikit-learn passes its tol, 1e−4, to SciPy's gtol).</summary>
    public const double GradientTolerance = 1e-5;

    /// <summary>Converged when an iteration lowers f by less than this share of |f| (SciPy's default factr·ε).</summary>
    public const double RelativeDecreaseTolerance = 2.2e-9;

    private readonly StrongWolfeLineSearch lineSearch;
    private readonly double[] previousPoint;
    private readonly double[] previousGradient;

    protected FullBatchSolver(IDifferentiableFunction function, ReadOnlySpan<double> start, double curvature)
    {
        Point = start.ToArray();
        Gradient = new double[start.Length];
        Direction = new double[start.Length];
        previousPoint = new double[start.Length];
        previousGradient = new double[start.Length];
        lineSearch = new StrongWolfeLineSearch(function, curvature);
        Value = function.Evaluate(Point, Gradient);
        Evaluations = 1;
    }

    /// <summary>The current point, f there and ∇f there.</summary>
    public double[] Point { get; }
    public double Value { get; private set; }
    public double[] Gradient { get; }

    /// <summary>Evaluations of f so far, the first at the start point included.</summary>
    public int Evaluations { get; private set; }

    /// <summary>The search direction of the current iteration, for the derived class to fill.</summary>
    protected double[] Direction { get; }

    /// <summary>What an iteration ended with.</summary>
    public enum Status
    {
        /// <summary>f decreased; more iterations may decrease it further.</summary>
        Progressed,
        /// <summary>The gradient vanished, f stopped decreasing, or no step along the direction decreased f.</summary>
        Converged,
        /// <summary>The evaluation budget ran out.</summary>
        BudgetSpent,
    }

    /// <summary>One iteration using at most <paramref name="evaluationBudget"/> more evaluations.</summary>
    public Status Iterate(int evaluationBudget)
    {
        if (MaxAbs(Gradient) <= GradientTolerance)
            return Status.Converged;
        if (evaluationBudget <= 0)
            return Status.BudgetSpent;
        ComputeDirection();
        if (!(StrongWolfeLineSearch.Dot(Gradient, Direction) < 0))
        {
            // A direction that does not descend (round-off in the curvature memory): start over along −∇f.
            Reset();
            for (int i = 0; i < Direction.Length; i++)
                Direction[i] = -Gradient[i];
        }
        Point.CopyTo(previousPoint, 0);
        Gradient.CopyTo(previousGradient, 0);
        double before = Value;
        double value = Value;
        StrongWolfeLineSearch.Outcome outcome = lineSearch.Search(Point, ref value, Gradient, Direction, InitialStep(), evaluationBudget);
        Value = value;
        Evaluations += outcome.Evaluations;
        if (!outcome.Moved)
            return outcome.Evaluations >= evaluationBudget ? Status.BudgetSpent : Status.Converged;
        Remember(previousPoint, previousGradient);
        bool stalled = (before - Value) <= RelativeDecreaseTolerance * Math.Max(Math.Max(Math.Abs(before), Math.Abs(Value)), 1);
        return stalled || MaxAbs(Gradient) <= GradientTolerance ? Status.Converged : Status.Progressed;
    }

    /// <summary>Fills <see cref="Direction"/> from the current gradient and what the solver remembers.</summary>
    protected abstract void ComputeDirection();

    /// <summary>The first trial step of the line search.</summary>
    protected abstract double InitialStep();

    /// <summary>Records the step just taken, from the previous point and gradient to <see cref="Point"/> and <see cref="Gradient"/>.</summary>
    protected abstract void Remember(double[] previousPoint, double[] previousGradient);

    /// <summary>Forgets the curvature memory.</summary>
    protected abstract void Reset();

    /// <summary>1/‖∇f‖₂ for a first step of unit length along −∇f, at most 1.</summary>
    protected double UnitLengthStep() => Math.Min(1, 1 / Math.Sqrt(StrongWolfeLineSearch.Dot(Direction, Direction)));

    private static double MaxAbs(ReadOnlySpan<double> values)
    {
        double max = 0;
        foreach (double v in values)
            max = Math.Max(max, Math.Abs(v));
        return max;
    }
}
