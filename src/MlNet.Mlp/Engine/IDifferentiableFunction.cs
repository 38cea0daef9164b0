namespace MlNet.Mlp.Engine;

/// <summary>A smooth function f: ℝⁿ → ℝ with its gradient, as the full-batch solvers minimise it.</summary>
internal interface IDifferentiableFunction
{
    /// <summary>n.</summary>
    int Dimension { get; }

    /// <summary>Returns f(x) and writes ∇f(x) into <paramref name="gradient"/>.</summary>
    double Evaluate(ReadOnlySpan<double> x, Span<double> gradient);
}
