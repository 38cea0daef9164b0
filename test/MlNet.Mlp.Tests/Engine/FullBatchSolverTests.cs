using MlNet.Mlp.Engine;
using Xunit;

namespace MlNet.Mlp.Tests.Engine;

public class FullBatchSolverTests
{
    /// <summary>f(x, y) = (1 − x)² + 100(y − x²)², minimum 0 at (1, 1): a curved valley that defeats steepest descent.</summary>
    private sealed class Rosenbrock : IDifferentiableFunction
    {
        public int Evaluations;
        public int Dimension => 2;

        public double Evaluate(ReadOnlySpan<double> x, Span<double> gradient)
        {
            Evaluations++;
            double a = 1 - x[0], b = x[1] - x[0] * x[0];
            gradient[0] = -2 * a - 400 * x[0] * b;
            gradient[1] = 200 * b;
            return a * a + 100 * b * b;
        }
    }

    /// <summary>f(x) = ½ Σ c_i (x_i − i)², an ill-conditioned quadratic with minimum at x_i = i.</summary>
    private sealed class Quadratic(int dimension) : IDifferentiableFunction
    {
        public int Dimension => dimension;

        public double Evaluate(ReadOnlySpan<double> x, Span<double> gradient)
        {
            double sum = 0;
            for (int i = 0; i < dimension; i++)
            {
                double c = Math.Pow(10, 3.0 * i / (dimension - 1)), d = x[i] - i;
                gradient[i] = c * d;
                sum += 0.5 * c * d * d;
            }
            return sum;
        }
    }

    private static FullBatchSolver Create(IDifferentiableFunction function, double[] start) => new LbfgsSolver(function, start, historySize: 10);

    private static FullBatchSolver.Status Run(FullBatchSolver solver, int iterations, int budget)
    {
        var status = FullBatchSolver.Status.Progressed;
        for (int i = 0; i < iterations && status == FullBatchSolver.Status.Progressed; i++)
            status = solver.Iterate(budget - solver.Evaluations);
        return status;
    }

    [Fact]
    public void FindsTheRosenbrockMinimum()
    {
        FullBatchSolver solver = Create(new Rosenbrock(), [-1.2, 1.0]);
        FullBatchSolver.Status status = Run(solver, 2000, 20000);
        Assert.Equal(FullBatchSolver.Status.Converged, status);
        Assert.Equal(1.0, solver.Point[0], 3);
        Assert.Equal(1.0, solver.Point[1], 3);
        Assert.True(solver.Value < 1e-6, $"f = {solver.Value}");
    }

    // SciPy's L-BFGS-B (m = 10) needs about 100 iterations on this problem too: with inexact line searches the
    // limited memory does not end in n steps.
    [Fact]
    public void SolvesAnIllConditionedQuadratic()
    {
        FullBatchSolver solver = Create(new Quadratic(20), new double[20]);
        Run(solver, 150, 10000);
        for (int i = 0; i < 20; i++)
            Assert.Equal(i, solver.Point[i], 3);
    }

    [Fact]
    public void EveryIterationLowersTheValueAndTheSameStartGivesTheSamePath()
    {
        double[] Path()
        {
            var solver = new LbfgsSolver(new Rosenbrock(), [-1.2, 1.0], historySize: 5);
            var values = new List<double> { solver.Value };
            for (int i = 0; i < 30; i++)
            {
                solver.Iterate(1000);
                values.Add(solver.Value);
            }
            return values.ToArray();
        }
        double[] first = Path(), second = Path();
        Assert.Equal(first, second);
        for (int i = 1; i < first.Length; i++)
            Assert.True(first[i] <= first[i - 1], $"iteration {i}: {first[i]} after {first[i - 1]}");
    }

    [Fact]
    public void StopsWhenTheEvaluationBudgetIsSpent()
    {
        var function = new Rosenbrock();
        var solver = new LbfgsSolver(function, [-1.2, 1.0], historySize: 10);
        FullBatchSolver.Status status = Run(solver, 1000, budget: 12);
        Assert.Equal(FullBatchSolver.Status.BudgetSpent, status);
        Assert.True(function.Evaluations <= 12, $"{function.Evaluations} evaluations");
        Assert.Equal(function.Evaluations, solver.Evaluations);
    }

    [Fact]
    public void NetworkObjectiveGradientMatchesFiniteDifferencesOverSeveralChunks()
    {
        // 600 weighted rows: three chunks of the full-batch run, so the chunk weighting is exercised.
        var random = new Random(11);
        const int rows = 600, inputs = 3;
        MlpNetwork network = MlpNetwork.CreateInitialized(inputs, [4], Activation.Tanh, 2, Activation.Sigmoid, seed: 3);
        float[] x = EngineTestData.Uniform(random, rows * inputs, 1.5f);
        float[] y = EngineTestData.Targets(random, LossFunction.SigmoidCrossEntropy, Activation.Sigmoid, rows, 2);
        float[] w = Enumerable.Range(0, rows).Select(i => 0.5f + i % 3).ToArray();
        var data = new TrainingData(x, inputs, y, w);
        var backpropagation = new Backpropagation(network, LossFunction.SigmoidCrossEntropy, FullBatchRun.ChunkRows, 0f, 0f, 1, labelSmoothing: 0.1f);
        var subset = DataSubset.All(data);
        var features = new float[FullBatchRun.ChunkRows * inputs];
        var targets = new float[FullBatchRun.ChunkRows * 2];
        var weights = new float[FullBatchRun.ChunkRows];
        int[] positions = Enumerable.Range(0, rows).ToArray();
        var objective = new NetworkObjective(network, backpropagation, rows, l2: 0.05f, (start, count) =>
        {
            subset.Gather(positions.AsSpan(start, count), features, targets, weights);
            backpropagation.Forward(features.AsSpan(0, count * inputs), count, training: true);
            var result = backpropagation.Loss(targets.AsSpan(0, count * 2), weights.AsSpan(0, count), count, computeGradient: true);
            backpropagation.Backward(features.AsSpan(0, count * inputs), count, 0.05f);
            return result;
        });
        double[] point = objective.Read();
        var gradient = new double[objective.Dimension];
        objective.Evaluate(point, gradient);
        var scratch = new double[objective.Dimension];
        for (int i = 0; i < point.Length; i += 3)
        {
            double original = point[i];
            // Parameters are floats inside the network: a step of 1e-3 keeps the rounding of the step itself small.
            point[i] = original + 1e-3;
            double plus = objective.Evaluate(point, scratch);
            point[i] = original - 1e-3;
            double minus = objective.Evaluate(point, scratch);
            point[i] = original;
            double numeric = (plus - minus) / 2e-3;
            Assert.True(Math.Abs(numeric - gradient[i]) <= 5e-4 + 2e-2 * Math.Abs(numeric), $"parameter {i}: {gradient[i]} vs {numeric}");
        }
    }

    [Fact]
    public void LbfgsTrainsASmallNetworkToALowLossAndSaysWhyItStopped()
    {
        var random = new Random(5);
        const int rows = 80;
        float[] x = EngineTestData.Uniform(random, rows * 2, 1f);
        var y = new float[rows];
        for (int i = 0; i < rows; i++)
            y[i] = MathF.Sin(2 * x[2 * i]) + x[2 * i + 1] * x[2 * i + 1];
        MlpNetwork initial = MlpNetwork.CreateInitialized(2, [16], Activation.Tanh, 1, Activation.Identity, seed: 2);
        var options = new TrainingOptions { Optimizer = OptimizerKind.Lbfgs, NumberOfIterations = 500, L2Regularization = 0f, EarlyStopping = false };
        TrainingResult result = new MlpTrainer(options).Train(initial, new TrainingData(x, 2, y));
        Assert.True(result.Report.Epochs[^1].TrainingLoss < 1e-3, $"loss {result.Report.Epochs[^1].TrainingLoss}");
        Assert.Contains(result.Report.StopReason, new[] { StopReason.Converged, StopReason.MaxEpochs });

        var limited = new TrainingOptions { Optimizer = OptimizerKind.Lbfgs, NumberOfIterations = 500, MaximumFunctionEvaluations = 20, EarlyStopping = false };
        TrainingReport report = new MlpTrainer(limited).Train(initial, new TrainingData(x, 2, y)).Report;
        Assert.Equal(StopReason.FunctionEvaluationLimit, report.StopReason);
        Assert.True(report.EpochCount < 20);
    }

    [Fact]
    public void FullBatchOptimizersRefuseDropout()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new TrainingOptions { Optimizer = OptimizerKind.Lbfgs, DropoutRate = 0.1f }.Validate());
        Assert.Equal("DropoutRate", error.ParamName);
        Assert.Contains("Lbfgs", error.Message);
    }
}
