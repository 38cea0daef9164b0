using System.Runtime.CompilerServices;
using MlNet.Mlp.Kernels;

namespace MlNet.Mlp.Engine;

/// <summary>Settings of <see cref="PerceptronLearner"/>; validated by the trainer that builds them.</summary>
public sealed record PerceptronLearnerSettings(
    float LearningRate,
    int NumberOfIterations,
    int BatchSize,
    bool Shuffle,
    double LossThreshold,
    float InitialWeightsDiameter,
    int Seed,
    bool KeepBestWeights,
    bool AverageWeights = false);

/// <summary>What <see cref="PerceptronLearner"/> produces: the weights, the bias and the loss curve.</summary>
/// <param name="Weights">One weight per feature.</param>
/// <param name="Bias">The bias b of y = sign(W·X + b).</param>
/// <param name="LossPerIteration">Σ ωᵢ(Yᵢ − yᵢ)² over the training set with the weights each pass ended with (their
/// average so far with <c>AverageWeights</c>).</param>
/// <param name="Converged">Whether a pass ended with the loss at or below the threshold.</param>
/// <param name="BestIteration">The 1-based pass whose weights were returned.</param>
public sealed record PerceptronResult(float[] Weights, float Bias, double[] LossPerIteration, bool Converged, int BestIteration);

/// <summary>
/// The perceptron as the course notes define it: output y = sign(W·X + b) with Y, y ∈ {−1, +1}, trained with the
/// surrogate-gradient rule W ← W + η(Y − y)X (and b ← b + η(Y − y)), in pattern or batch mode.
/// </summary>
/// <remarks>
/// sign(s) is +1 for s &gt; 0 and −1 otherwise, so that a zero score predicts the negative class exactly as ML.NET's
/// binary scorer does (PredictedLabel = Score &gt; 0). Training, though, counts a row on the boundary (s = 0) as a
/// mistake whatever its label (<see cref="TrainingError"/>). An example weight ω multiplies both the update and the
/// loss. The loss after a pass is Σ ω(Y − y)² over the whole training set with the weights the pass ended with, y as
/// training counts it. On data that is not linearly separable the weights keep moving from pass to pass; with
/// <c>KeepBestWeights</c> the weights of the pass with the lowest loss are returned (Gallant's "pocket" perceptron),
/// otherwise those of the last pass.
/// With <c>AverageWeights</c> the weights a pass "ends with" are the average of the weights after every update step
/// so far (every example in pattern mode, every batch in batch mode, across passes), as in ML.NET's
/// AveragedPerceptron (Freund and Schapire's averaged perceptron): the loss, the pocket and the threshold then all
/// judge the averaged weights, which are also what is returned, except when only the latest weights reach the
/// threshold: training has then converged, and those latest weights are recorded and returned.
/// </remarks>
public static class PerceptronLearner
{
    /// <summary>How many examples run between two cancellation checks.</summary>
    private const int CheckAliveInterval = 1024;

    /// <summary>
    /// How many rows ahead of the current one are prefetched in a shuffled pass. One row ahead leaves the start of
    /// the next row waiting on a TLB miss. Measured on Fashion-MNIST's 784-feature rows, 10 shuffled passes: float
    /// rows take 31, 27.6, 28 and 29.5 ms at 1, 2, 4 and 6 rows ahead; byte-coded rows 13, 11.6, 11.0 and 10.8 ms.
    /// </summary>
    private const int PrefetchDistance = 4;

    /// <summary>Trains on <paramref name="rowCount"/> rows of a row-major feature matrix.</summary>
    /// <param name="settings">Learning rate, iterations, batch size (1 = pattern mode, 0 = the whole set), ...</param>
    /// <param name="features">rowCount × featureCount values, row-major, all finite.</param>
    /// <param name="featureCount">Features per row.</param>
    /// <param name="rowCount">Rows to use from the start of <paramref name="features"/>.</param>
    /// <param name="labels">+1 or −1 per row.</param>
    /// <param name="exampleWeights">A non-negative weight per row, or null for 1.</param>
    /// <param name="initialWeights">Weights to continue from (copied), or null to start from random/zero weights.</param>
    /// <param name="initialBias">Bias to continue from; ignored without <paramref name="initialWeights"/>.</param>
    /// <param name="checkAlive">Called regularly; throws to cancel.</param>
    public static PerceptronResult Train(PerceptronLearnerSettings settings,
        float[] features, int featureCount, int rowCount, float[] labels, float[]? exampleWeights,
        float[]? initialWeights, float initialBias, Action? checkAlive = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfLessThan(featureCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(rowCount, 1);
        if ((long)rowCount * featureCount > features.Length)
            throw new ArgumentException($"features holds {features.Length} values, fewer than {rowCount} rows × {featureCount} features.", nameof(features));
        return Train(settings, new DenseRows(features, featureCount), featureCount, rowCount, labels, exampleWeights,
            initialWeights, initialBias, checkAlive);
    }

    /// <summary>Trains on the rows of a sparse matrix; the same algorithm, each step touching only stored values.</summary>
    /// <param name="settings">Learning rate, iterations, batch size (1 = pattern mode, 0 = the whole set), ...</param>
    /// <param name="features">The rows; every value finite.</param>
    /// <param name="labels">+1 or −1 per row.</param>
    /// <param name="exampleWeights">A non-negative weight per row, or null for 1.</param>
    /// <param name="initialWeights">Weights to continue from (copied), or null to start from random/zero weights.</param>
    /// <param name="initialBias">Bias to continue from; ignored without <paramref name="initialWeights"/>.</param>
    /// <param name="checkAlive">Called regularly; throws to cancel.</param>
    public static PerceptronResult Train(PerceptronLearnerSettings settings, SparseRowMatrix features, float[] labels,
        float[]? exampleWeights, float[]? initialWeights, float initialBias, Action? checkAlive = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        return Train(settings, new SparseRows(features), features.FeatureCount, features.RowCount, labels, exampleWeights,
            initialWeights, initialBias, checkAlive);
    }

    /// <summary>
    /// Trains on the rows of a byte-coded matrix; the same algorithm on the decoded values (code × step), with the
    /// step applied once per dot product and per update.
    /// </summary>
    /// <param name="settings">Learning rate, iterations, batch size (1 = pattern mode, 0 = the whole set), ...</param>
    /// <param name="features">The rows.</param>
    /// <param name="labels">+1 or −1 per row.</param>
    /// <param name="exampleWeights">A non-negative weight per row, or null for 1.</param>
    /// <param name="initialWeights">Weights to continue from (copied), or null to start from random/zero weights.</param>
    /// <param name="initialBias">Bias to continue from; ignored without <paramref name="initialWeights"/>.</param>
    /// <param name="checkAlive">Called regularly; throws to cancel.</param>
    public static PerceptronResult Train(PerceptronLearnerSettings settings, QuantizedRowMatrix features, float[] labels,
        float[]? exampleWeights, float[]? initialWeights, float initialBias, Action? checkAlive = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        return Train(settings, new QuantizedRows(features), features.FeatureCount, features.RowCount, labels, exampleWeights,
            initialWeights, initialBias, checkAlive);
    }

    private static PerceptronResult Train<TRows>(PerceptronLearnerSettings settings, TRows rows, int featureCount, int rowCount,
        float[] labels, float[]? exampleWeights, float[]? initialWeights, float initialBias, Action? checkAlive)
        where TRows : struct, IPerceptronRows
    {
        if (labels.Length < rowCount)
            throw new ArgumentException($"labels holds {labels.Length} values for {rowCount} rows.", nameof(labels));
        if (exampleWeights is not null && exampleWeights.Length < rowCount)
            throw new ArgumentException($"exampleWeights holds {exampleWeights.Length} values for {rowCount} rows.", nameof(exampleWeights));
        if (initialWeights is not null && initialWeights.Length != featureCount)
            throw new ArgumentException($"initialWeights holds {initialWeights.Length} values for {featureCount} features.", nameof(initialWeights));

        var random = new Random(settings.Seed);
        Span<float> weights = InitialWeights(featureCount, settings.InitialWeightsDiameter, random, initialWeights).Span;
        float bias = initialWeights is null
            ? RandomInDiameter(settings.InitialWeightsDiameter, random)
            : initialBias;

        int batchSize = settings.BatchSize == 0 ? rowCount : Math.Min(settings.BatchSize, rowCount);
        int[] order = Enumerable.Range(0, rowCount).ToArray();
        Span<float> pendingWeights = batchSize > 1 ? new CacheAlignedVector(featureCount).Span : [];
        var pocket = new Pocket(featureCount, settings.NumberOfIterations, settings.LossThreshold, settings.KeepBestWeights);
        WeightAverager? averager = settings.AverageWeights ? new WeightAverager(featureCount) : null;

        // The loss of a pass is measured during the next pass, which reads every row anyway: scoring a row against
        // both the current weights and those the previous pass ended with costs one extra dot product on data
        // already in cache, where a separate loss pass would stream the whole feature matrix again. Only the last
        // pass needs a loss pass of its own; a pass that reaches the threshold is found one pass late, and the
        // weights of that later pass are discarded, so the result is the same as stopping at once.
        var previousPass = new PassEnd(featureCount, rowCount);
        // With averaging, the latest weights are scored as well. On separable data they reach the threshold while
        // their average, which still carries the early passes, can sit on a point that the solution passes close to
        // (AND with inputs in {0, 1}), or a hair on its wrong side. Training has then converged, and
        // it is the latest weights that meet the threshold, so they are the ones recorded. For the default threshold
        // of 0 no scoring is needed: the weights a pass ends with make no mistake exactly when the next pass makes
        // none (a mistake on a row of weight 0 changes nothing), i.e. when the next pass's running loss is 0.
        PassEnd? previousLatest = averager is not null ? new PassEnd(featureCount, rowCount) : null;
        PassEnd? scoredLatest = settings.LossThreshold > 0 ? previousLatest : null;
        for (int iteration = 1; iteration <= settings.NumberOfIterations; iteration++)
        {
            if (settings.Shuffle)
                random.Shuffle(order);
            bool scoring = iteration > 1;
            double runningLoss = RunPass(settings.LearningRate, batchSize, rows, labels, exampleWeights,
                order, weights, ref bias, pendingWeights, scoring ? previousPass : null, scoring ? scoredLatest : null,
                averager, checkAlive);
            double? latestLoss = previousLatest is null ? null
                : scoredLatest is not null ? scoredLatest.Loss(exampleWeights)
                : runningLoss == 0 ? 0 : null;
            if (scoring && RecordPass(iteration - 1, previousPass.Loss(exampleWeights), previousPass.Weights, previousPass.Bias,
                    latestLoss, previousLatest is null ? default : previousLatest.Weights, previousLatest?.Bias ?? 0))
                return pocket.Result();
            if (averager is not null)
            {
                previousPass.Bias = averager.Average(weights, bias, previousPass.Weights);
                weights.CopyTo(previousLatest!.Weights);
                previousLatest.Bias = bias;
            }
            else
            {
                weights.CopyTo(previousPass.Weights);
                previousPass.Bias = bias;
            }
        }
        double lastLoss = TotalLoss(rows, rowCount, labels, exampleWeights, previousPass.Weights, previousPass.Bias, checkAlive);
        // Only whether the latest weights reach the threshold matters here, so their pass stops at the first row that
        // takes the loss above it: on data that is not separable, within a few rows instead of a whole pass.
        double? lastLatestLoss = averager is not null && lastLoss > settings.LossThreshold
            ? TotalLoss(rows, rowCount, labels, exampleWeights, weights, bias, checkAlive, stopAbove: settings.LossThreshold)
            : null;
        RecordPass(settings.NumberOfIterations, lastLoss, previousPass.Weights, previousPass.Bias, lastLatestLoss, weights, bias);
        return pocket.Result();

        // Records a pass's weights (averaged ones with averaging), or the latest weights when only they reach the
        // threshold; true when training has converged.
        bool RecordPass(int pass, double loss, ReadOnlySpan<float> passWeights, float passBias, double? latestLoss,
            ReadOnlySpan<float> latestWeights, float latestBias) =>
            loss > settings.LossThreshold && latestLoss <= settings.LossThreshold
                ? pocket.Record(pass, latestLoss.Value, latestWeights, latestBias)
                : pocket.Record(pass, loss, passWeights, passBias);
    }

    /// <summary>The perceptron's output: +1 when W·X + b &gt; 0, else −1.</summary>
    public static float Sign(float score) => score > 0 ? 1f : -1f;

    /// <summary>
    /// Y − y as training counts it, for a row of label Y (±1) and score s = W·X + b: 0 when the row is strictly on its
    /// own side (Y·s &gt; 0), else 2Y. A row on the boundary is a mistake for either label, as in the perceptron
    /// criterion max(0, −Y·s), whose subgradient there is −Y·X.
    /// </summary>
    /// <remarks>
    /// Taking y = sign(0) = −1 there, as the model predicts, would leave a negative row resting on the boundary
    /// without an update. On 0/1 and one-hot features scores of exactly 0 are common: a category that is mostly
    /// negative then sits at 0, every positive row of it lifts it and no negative row lowers it below 0, and the
    /// averaged weights score the category positive (0.52–0.62 accuracy where the Bayes rule gives 0.9).
    /// </remarks>
    public static float TrainingError(float label, float score) => label * score > 0 ? 0f : label + label;

    /// <summary>
    /// One pass over the rows in <paramref name="order"/>. In pattern mode (batch size 1) each update lands at
    /// once; in batch mode the updates of a batch are summed against fixed weights and land at its end. With
    /// <paramref name="scoredPass"/>, every row is also scored against the weights the previous pass ended with (and
    /// with <paramref name="scoredLatest"/> against its latest weights, when those were averaged).
    /// </summary>
    /// <returns>The running loss: Σ ω(Y − y)² over the pass, each row scored with the weights it met.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double RunPass<TRows>(float learningRate, int batchSize, TRows rows,
        float[] labels, float[]? exampleWeights, int[] order, Span<float> weights, ref float bias,
        Span<float> pendingWeights, PassEnd? scoredPass, PassEnd? scoredLatest, WeightAverager? averager, Action? checkAlive)
        where TRows : struct, IPerceptronRows
    {
        bool patternMode = batchSize == 1;
        double runningLoss = 0;
        // The previous pass's weights stay as they are through this pass.
        ReadOnlySpan<float> previousWeights = scoredPass is not null ? scoredPass.Weights : default;
        float previousBias = scoredPass?.Bias ?? 0;
        for (int start = 0; start < order.Length; start += batchSize)
        {
            if (!patternMode)
            {
                pendingWeights.Clear();
            }
            float pendingBias = 0;
            int end = Math.Min(start + batchSize, order.Length);
            for (int position = start; position < end; position++)
            {
                if (checkAlive is not null && position % CheckAliveInterval == 0)
                    checkAlive();
                int row = order[position];
                if (position + PrefetchDistance < order.Length)
                    rows.Prefetch(order[position + PrefetchDistance]);
                float score;
                if (scoredPass is not null)
                {
                    (score, float previousScore) = rows.Score2(weights, bias, previousWeights, previousBias, row);
                    scoredPass.Record(row, labels[row], previousScore);
                }
                else
                    score = rows.Score(weights, bias, row);
                scoredLatest?.Score(rows, row, labels[row]);
                float error = TrainingError(labels[row], score);
                if (error != 0)
                {
                    float exampleWeight = exampleWeights?[row] ?? 1f;
                    runningLoss += WeightedSquaredError(error, exampleWeight);
                    float step = learningRate * error * exampleWeight;
                    if (!patternMode)
                    {
                        pendingBias += step;
                        rows.AddScaled(row, step, pendingWeights);
                    }
                    else
                    {
                        bias += step;
                        if (averager is not null)
                            averager.AddRowUpdate(rows, row, step, weights);
                        else
                            rows.AddScaled(row, step, weights);
                    }
                }
                if (patternMode)
                    averager?.StepCompleted();
            }
            if (!patternMode)
            {
                averager?.OnBatchUpdate(pendingWeights, pendingBias);
                ElementwiseLoops.Map(new AddOperator(), weights, pendingWeights, weights);
                bias += pendingBias;
                averager?.StepCompleted();
            }
        }
        return runningLoss;
    }

    /// <summary>ω(Y − y)², the one term every loss of the learner sums, so that they all round alike.</summary>
    private static double WeightedSquaredError(float error, float exampleWeight) => (double)exampleWeight * error * error;

    /// <summary>Σ ω(Y − y)² over all rows, in row order so that the sum is reproducible.</summary>
    private static double WeightedSquaredErrors(ReadOnlySpan<float> errors, float[]? exampleWeights)
    {
        double loss = 0;
        for (int row = 0; row < errors.Length; row++)
            loss += WeightedSquaredError(errors[row], exampleWeights?[row] ?? 1f);
        return loss;
    }

    /// <summary>
    /// Σ ω(Y − y)² over all rows, scoring them in a pass of its own and summing in row order as
    /// <see cref="WeightedSquaredErrors"/> does; or, once the running sum exceeds <paramref name="stopAbove"/>, that
    /// partial sum. The terms are not negative, so a partial sum above it means the whole sum is too.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double TotalLoss<TRows>(TRows rows, int rowCount, float[] labels,
        float[]? exampleWeights, ReadOnlySpan<float> weights, float bias, Action? checkAlive, double stopAbove = double.PositiveInfinity)
        where TRows : struct, IPerceptronRows
    {
        double loss = 0;
        for (int row = 0; row < rowCount && !(loss > stopAbove); row++)
        {
            if (checkAlive is not null && row % CheckAliveInterval == 0)
                checkAlive();
            float error = TrainingError(labels[row], rows.Score(weights, bias, row));
            loss += WeightedSquaredError(error, exampleWeights?[row] ?? 1f);
        }
        return loss;
    }

    // Aligned: every example reads the weights, and most of its updates write them.
    private static CacheAlignedVector InitialWeights(int featureCount, float diameter, Random random, float[]? initialWeights)
    {
        var weights = new CacheAlignedVector(featureCount);
        Span<float> values = weights.Span;
        if (initialWeights is not null)
            initialWeights.CopyTo(values);
        else if (diameter > 0)
        {
            for (int i = 0; i < values.Length; i++)
                values[i] = RandomInDiameter(diameter, random);
        }
        return weights;
    }

    /// <summary>Uniform in [−diameter/2, diameter/2], as ML.NET's <c>InitialWeightsDiameter</c>.</summary>
    private static float RandomInDiameter(float diameter, Random random) =>
        diameter > 0 ? (float)((random.NextDouble() - 0.5) * diameter) : 0f;

    /// <summary>
    /// The average of the weights after every update step, kept as w − u/T: with Δₛ the change made by step s, the
    /// weights after step t are w₀ + Σₛ≤ₜ Δₛ, so their sum over T steps is T·w_T − Σₛ (s − 1)·Δₛ. The learner only
    /// adds (s − 1)·Δₛ to u when it updates, touching the entries the update touches (a row's stored values for sparse
    /// rows), and a step without a mistake costs nothing. u/T is of the size of the weights, so its float round-off
    /// stays at that scale.
    /// </summary>
    private sealed class WeightAverager(int featureCount)
    {
        private readonly CacheAlignedVector _weightedUpdates = new(featureCount);
        private double _biasWeightedUpdates;
        private long _completedSteps;

        /// <summary>
        /// Pattern mode: makes the current step's update, <paramref name="step"/>·x of row <paramref name="row"/>, to
        /// <paramref name="weights"/> and to the sum kept here, in one pass over the row.
        /// </summary>
        /// <remarks>Inlined into the pass loop, as <see cref="IPerceptronRows"/>' operations are.</remarks>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void AddRowUpdate<TRows>(TRows rows, int row, float step, Span<float> weights) where TRows : struct, IPerceptronRows
        {
            rows.AddScaled2(row, step, weights, step * _completedSteps, _weightedUpdates.Span);
            _biasWeightedUpdates += (double)step * _completedSteps;
        }

        /// <summary>Batch mode: the current step adds <paramref name="delta"/> to the weights.</summary>
        public void OnBatchUpdate(ReadOnlySpan<float> delta, float biasDelta)
        {
            ElementwiseLoops.Map(new MultiplyAddOperator((float)_completedSteps), delta, _weightedUpdates.Span, _weightedUpdates.Span);
            _biasWeightedUpdates += (double)biasDelta * _completedSteps;
        }

        public void StepCompleted() => _completedSteps++;

        /// <summary>Writes the average weights so far into <paramref name="averaged"/> and returns the average bias.</summary>
        public float Average(ReadOnlySpan<float> weights, float bias, Span<float> averaged)
        {
            if (_completedSteps == 0)
            {
                weights.CopyTo(averaged);
                return bias;
            }
            ElementwiseLoops.Map(new MultiplyAddOperator((float)(-1.0 / _completedSteps)), _weightedUpdates.Span, weights, averaged);
            return (float)(bias - _biasWeightedUpdates / _completedSteps);
        }
    }

    /// <summary>The weights a pass ended with, and the error Y − y of each row under them as the next pass scores it.</summary>
    private sealed class PassEnd(int featureCount, int rowCount)
    {
        private readonly CacheAlignedVector _weights = new(featureCount);
        private readonly float[] _errors = new float[rowCount];

        // Aligned: scored against every example of the next pass.
        public Span<float> Weights => _weights.Span;

        public float Bias { get; set; }

        // This and Record run once a row: inlined into the pass loop, as IPerceptronRows' operations are.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Score<TRows>(TRows rows, int row, float label) where TRows : struct, IPerceptronRows =>
            Record(row, label, rows.Score(Weights, Bias, row));

        /// <summary>Records the error of row <paramref name="row"/>, given its score W·x + b under these weights.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Record(int row, float label, float score) => _errors[row] = TrainingError(label, score);

        public double Loss(float[]? exampleWeights) => WeightedSquaredErrors(_errors, exampleWeights);
    }

    /// <summary>
    /// The loss curve and the weights to return: those of the lowest loss with <c>KeepBestWeights</c> (the
    /// "pocket"), else the latest; training stops at the first pass whose loss is at or below the threshold.
    /// </summary>
    private sealed class Pocket(int featureCount, int iterations, double lossThreshold, bool keepBestWeights)
    {
        private readonly List<double> _losses = new(iterations);
        private readonly float[] _bestWeights = new float[featureCount];
        private float _bestBias;
        private double _bestLoss = double.PositiveInfinity;
        private int _bestIteration;
        private bool _converged;

        /// <summary>Records pass <paramref name="iteration"/>'s loss; true when it reached the threshold.</summary>
        public bool Record(int iteration, double loss, ReadOnlySpan<float> weights, float bias)
        {
            _losses.Add(loss);
            _converged = loss <= lossThreshold;
            if (loss < _bestLoss || !keepBestWeights)
            {
                _bestLoss = loss;
                _bestIteration = iteration;
                weights.CopyTo(_bestWeights);
                _bestBias = bias;
            }
            return _converged;
        }

        public PerceptronResult Result() => new(_bestWeights, _bestBias, _losses.ToArray(), _converged, _bestIteration);
    }
}
