namespace MlNet.Mlp.Engine;

/// <summary>
/// A line search along a descent direction d from x for a step α meeting the strong Wolfe conditions
/// φ(α) ≤ φ(0) + c1·α·φ′(0) and |φ′(α)| ≤ c2·|φ′(0)|, with φ(α) = f(x + α·d) (Nocedal &amp; Wright, Numerical
/// Optimization, algorithms 3.5 and 3.6): bracket by doubling, then shrink the bracket by safeguarded cubic
/// interpolation. Deterministic: the same inputs give the same trial steps.
/// </summary>
internal sealed class StrongWolfeLineSearch
{
    /// <summary>Sufficient decrease constant c1.</summary>
    public const double SufficientDecrease = 1e-4;

    private const int MaxEvaluations = 25;
    private const double MaxStep = 1e10;

    private readonly IDifferentiableFunction function;
    private readonly double curvature;
    private readonly double[] trial;
    private readonly double[] trialGradient;
    // The best point with sufficient decrease seen in the current search: taken if the budget runs out before the
    // curvature condition holds.
    private readonly double[] bestPoint;
    private readonly double[] bestGradient;
    private double bestStep, bestValue;
    // The current search: φ(0), φ′(0), the direction and how many evaluations are left.
    private double value0, slope0;
    private int evaluations, budget;

    /// <param name="function">The function to minimise.</param>
    /// <param name="curvature">c2 ∈ (c1, 1): 0.9 suits quasi-Newton directions, 0.1 conjugate gradients.</param>
    public StrongWolfeLineSearch(IDifferentiableFunction function, double curvature)
    {
        this.function = function;
        this.curvature = curvature;
        trial = new double[function.Dimension];
        trialGradient = new double[function.Dimension];
        bestPoint = new double[function.Dimension];
        bestGradient = new double[function.Dimension];
    }

    /// <summary>The result: whether x moved, the step taken and the evaluations it took.</summary>
    public readonly record struct Outcome(bool Moved, double Step, int Evaluations);

    /// <summary>
    /// Searches from (x, f, g) along <paramref name="direction"/> starting with step <paramref name="initialStep"/>,
    /// using at most <paramref name="evaluationBudget"/> evaluations. On success x, f and g hold the new point; when the
    /// budget runs out they hold the best point with sufficient decrease found, if any, else they are unchanged.
    /// </summary>
    public Outcome Search(double[] x, ref double f, double[] g, double[] direction, double initialStep, int evaluationBudget)
    {
        value0 = f;
        slope0 = Dot(g, direction);
        if (!(slope0 < 0))
            return new Outcome(false, 0, 0);
        budget = Math.Min(MaxEvaluations, evaluationBudget);
        evaluations = 0;
        bestStep = 0;
        bestValue = f;
        var previous = new Point(0, value0, slope0);
        double alpha = Math.Min(initialStep, MaxStep);
        while (evaluations < budget)
        {
            Point current = Probe(x, direction, alpha);
            if (!SufficientlyDecreases(current) || (evaluations > 1 && current.Value >= previous.Value))
                return Zoom(x, ref f, g, direction, previous, current);
            if (MeetsCurvature(current))
                return Accept(x, ref f, g, current);
            if (current.Slope >= 0)
                return Zoom(x, ref f, g, direction, current, previous);
            previous = current;
            alpha = Math.Min(2 * alpha, MaxStep);
        }
        return TakeBest(x, ref f, g);
    }

    /// <summary>A trial step with its φ and φ′.</summary>
    private readonly record struct Point(double Step, double Value, double Slope);

    /// <summary>Shrinks the bracket [low, high], low having the lower φ, until a step meets both conditions.</summary>
    private Outcome Zoom(double[] x, ref double f, double[] g, double[] direction, Point low, Point high)
    {
        while (evaluations < budget && Math.Abs(high.Step - low.Step) > 1e-12 * Math.Max(1, Math.Abs(low.Step)))
        {
            Point current = Probe(x, direction, Interpolate(low, high));
            if (!SufficientlyDecreases(current) || current.Value >= low.Value)
            {
                high = current;
                continue;
            }
            if (MeetsCurvature(current))
                return Accept(x, ref f, g, current);
            if (current.Slope * (high.Step - low.Step) >= 0)
                high = low;
            low = current;
        }
        return TakeBest(x, ref f, g);
    }

    private bool SufficientlyDecreases(Point p) => double.IsFinite(p.Value) && p.Value <= value0 + SufficientDecrease * p.Step * slope0;

    private bool MeetsCurvature(Point p) => Math.Abs(p.Slope) <= -curvature * slope0;

    /// <summary>
    /// The minimiser of the cubic through both ends' values and slopes, kept at least a tenth of the interval from
    /// either end (the midpoint when the cubic has none).
    /// </summary>
    private static double Interpolate(Point a, Point b)
    {
        double d1 = a.Slope + b.Slope - 3 * (a.Value - b.Value) / (a.Step - b.Step);
        double discriminant = d1 * d1 - a.Slope * b.Slope;
        double candidate = (a.Step + b.Step) / 2;
        if (discriminant >= 0 && double.IsFinite(discriminant))
        {
            double d2 = Math.Sign(b.Step - a.Step) * Math.Sqrt(discriminant);
            double denominator = b.Slope - a.Slope + 2 * d2;
            if (denominator != 0)
                candidate = b.Step - (b.Step - a.Step) * (b.Slope + d2 - d1) / denominator;
        }
        double lower = Math.Min(a.Step, b.Step), upper = Math.Max(a.Step, b.Step), margin = 0.1 * (upper - lower);
        return double.IsFinite(candidate) ? Math.Clamp(candidate, lower + margin, upper - margin) : (lower + upper) / 2;
    }

    private Point Probe(double[] x, double[] direction, double alpha)
    {
        for (int i = 0; i < x.Length; i++)
            trial[i] = x[i] + alpha * direction[i];
        double value = function.Evaluate(trial, trialGradient);
        evaluations++;
        var point = new Point(alpha, value, Dot(trialGradient, direction));
        if (SufficientlyDecreases(point) && value < bestValue)
        {
            (bestStep, bestValue) = (alpha, value);
            trial.CopyTo(bestPoint, 0);
            trialGradient.CopyTo(bestGradient, 0);
        }
        return point;
    }

    private Outcome Accept(double[] x, ref double f, double[] g, Point p)
    {
        trial.CopyTo(x, 0);
        trialGradient.CopyTo(g, 0);
        f = p.Value;
        return new Outcome(true, p.Step, evaluations);
    }

    private Outcome TakeBest(double[] x, ref double f, double[] g)
    {
        if (bestStep == 0)
            return new Outcome(false, 0, evaluations);
        bestPoint.CopyTo(x, 0);
        bestGradient.CopyTo(g, 0);
        f = bestValue;
        return new Outcome(true, bestStep, evaluations);
    }

    internal static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++)
            sum += a[i] * b[i];
        return sum;
    }
}
