namespace MlNet.Mlp.Engine;

/// <summary>
/// Full-batch training by a line-search solver (<see cref="LbfgsSolver"/>): each epoch is one solver iteration over the
/// whole training set, which is read in chunks of <see cref="ChunkRows"/> rows. Training stops early when the solver
/// converges or uses up <see cref="TrainingOptions.MaximumFunctionEvaluations"/>.
/// </summary>
internal sealed class FullBatchRun : TrainingRun
{
    /// <summary>Rows per forward/backward pass of the objective: fixed, so results do not depend on the thread count.</summary>
    public const int ChunkRows = 256;

    private readonly NetworkObjective objective;
    private readonly FullBatchSolver solver;
    private StopReason? stop;

    public FullBatchRun(TrainingOptions options, MlpNetwork network, DataSubset trainingSet, DataSubset? validationSet)
        : base(options, network, trainingSet, validationSet, Math.Min(ChunkRows, trainingSet.Count))
    {
        objective = new NetworkObjective(network, Backpropagation, trainingSet.Count, options.L2Regularization, ChunkGradient);
        double[] start = objective.Read();
        solver = new LbfgsSolver(objective, start, options.LbfgsHistorySize);
    }

    protected override StopReason? SolverStop => stop;

    protected override double RunEpoch(int epoch, Action? checkAlive, CancellationToken cancellationToken)
    {
        checkAlive?.Invoke();
        cancellationToken.ThrowIfCancellationRequested();
        FullBatchSolver.Status status = solver.Iterate(Options.MaximumFunctionEvaluations - solver.Evaluations);
        // The last evaluation may have been a rejected trial point: the network takes the accepted one.
        objective.Write(solver.Point);
        if (!Network.ParametersAreFinite() || !double.IsFinite(solver.Value))
            throw new TrainingDivergedException(epoch, solver.Value, Options.LearningRate);
        stop = status switch
        {
            FullBatchSolver.Status.Converged => StopReason.Converged,
            FullBatchSolver.Status.BudgetSpent => StopReason.FunctionEvaluationLimit,
            _ => null,
        };
        return solver.Value - 0.5 * Options.L2Regularization * Network.SquaredWeightNorm();
    }

    private (double WeightedLoss, double WeightSum) ChunkGradient(int start, int rows)
    {
        var (features, targets, weights) = Gather(TrainingSet, Sequential.AsSpan(start, rows));
        Backpropagation.Forward(features.Span, rows, training: true);
        var result = Backpropagation.Loss(targets.Span, weights.Span, rows, computeGradient: true);
        Backpropagation.Backward(features.Span, rows, Options.L2Regularization);
        return result;
    }
}
