using System.Diagnostics;
using MlNet.Mlp.Kernels;

namespace MlNet.Mlp.Engine;

/// <summary>
/// Mini-batch training of an <see cref="MlpNetwork"/>: per epoch, shuffle (seeded), then for each mini-batch
/// gather → forward → loss → backward → optimiser update; after each epoch, validate, report and check the
/// stopping rules (see <see cref="TrainingOptions"/>).
/// </summary>
public sealed class MlpTrainer
{
    /// <summary>Creates a trainer after validating <paramref name="options"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option has a bad value (the exception names it).</exception>
    public MlpTrainer(TrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
    }

    /// <summary>The options in use.</summary>
    public TrainingOptions Options { get; }

    /// <summary>
    /// Trains a copy of <paramref name="initialNetwork"/> (a fresh one from <see cref="MlpNetwork.CreateInitialized"/>,
    /// or a trained one to continue from: warm start; optimiser state such as momentum starts afresh).
    /// </summary>
    /// <param name="initialNetwork">Starting weights; not modified. Its output activation must suit <see cref="TrainingOptions.Loss"/>.</param>
    /// <param name="training">Training examples.</param>
    /// <param name="validation">Optional validation examples: reported every epoch and used for early stopping
    /// instead of a split of <paramref name="training"/>.</param>
    /// <param name="epochCompleted">Called after every epoch (progress reporting).</param>
    /// <param name="checkAlive">Called before every mini-batch; throw from it (e.g. OperationCanceledException) to
    /// abandon training within one mini-batch. The exception propagates unchanged.</param>
    /// <param name="cancellationToken">Also checked before every mini-batch.</param>
    /// <exception cref="ArgumentException">Data and network do not fit each other or the loss.</exception>
    /// <exception cref="TrainingDivergedException">The loss or a parameter became NaN or ∞.</exception>
    public TrainingResult Train(MlpNetwork initialNetwork, TrainingData training, TrainingData? validation = null,
        Action<EpochSummary>? epochCompleted = null, Action? checkAlive = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(initialNetwork);
        ArgumentNullException.ThrowIfNull(training);
        CheckCompatible(initialNetwork, training, nameof(training));
        if (validation is not null)
            CheckCompatible(initialNetwork, validation, nameof(validation));

        (DataSubset trainingSet, DataSubset? validationSet) = SelectSubsets(training, validation);
        var run = new TrainingRun(Options, initialNetwork.Clone(), trainingSet, validationSet);
        return run.Execute(epochCompleted, checkAlive, cancellationToken);
    }

    private (DataSubset Training, DataSubset? Validation) SelectSubsets(TrainingData training, TrainingData? validation)
    {
        if (validation is not null)
            return (DataSubset.All(training), DataSubset.All(validation));
        if (!Options.EarlyStopping)
            return (DataSubset.All(training), null);
        Func<int, int>? classOf = LossFunctions.IsClassification(Options.Loss, training.TargetWidth)
            ? i => Options.Loss == LossFunction.SoftmaxCrossEntropy ? (int)training.Targets[i] : training.Targets[i] > 0.5f ? 1 : 0
            : null;
        var random = new DeterministicRandom(Options.Seed, DeterministicRandom.Stream.ValidationSplit);
        (int[] trainingIndices, int[] validationIndices) = ValidationSplit.Split(training.ExampleCount, Options.ValidationFraction, classOf, random);
        return (new DataSubset(training, trainingIndices), new DataSubset(training, validationIndices));
    }

    private void CheckCompatible(MlpNetwork network, TrainingData data, string name)
    {
        LossFunction loss = Options.Loss;
        if (data.FeatureCount != network.InputCount)
            throw new ArgumentException($"The network takes {network.InputCount} features but {name} has {data.FeatureCount}.", name);
        int targetWidth = LossFunctions.TargetWidth(loss, network.OutputCount);
        if (data.TargetWidth != targetWidth)
            throw new ArgumentException($"{loss} with {network.OutputCount} outputs needs {targetWidth} target value(s) per example; {name} has {data.TargetWidth}.", name);
        if (LossFunctions.RequiredOutputActivation(loss) is { } required && network.OutputLayer.Activation != required)
            throw new ArgumentException($"{loss} needs a {required} output layer; the network's is {network.OutputLayer.Activation}.", nameof(network));
        if (loss == LossFunction.Perceptron && network.OutputCount != 1)
            throw new ArgumentException($"The perceptron loss needs one output; the network has {network.OutputCount}.", nameof(network));
        if (loss == LossFunction.SoftmaxCrossEntropy)
            RequireLabels(data, name, label => label == MathF.Floor(label) && label >= 0 && label < network.OutputCount, $"class indices 0…{network.OutputCount - 1}");
        if (loss == LossFunction.Perceptron)
            RequireLabels(data, name, label => label is 0f or 1f, "0 or 1");
        if (loss == LossFunction.SigmoidCrossEntropy)
            RequireLabels(data, name, label => label is >= 0f and <= 1f, "in [0, 1]");
        if (data.ExampleWeights is { } weights && SumOf(weights.AsSpan(0, data.ExampleCount)) <= 0)
            throw new ArgumentException($"The example weights of {name} sum to zero.", name);
    }

    private static void RequireLabels(TrainingData data, string name, Func<float, bool> valid, string expected)
    {
        int used = data.ExampleCount * data.TargetWidth;
        for (int i = 0; i < used; i++)
        {
            if (!valid(data.Targets[i]))
                throw new ArgumentException($"Targets of {name} must be {expected}; example {i / data.TargetWidth} has {data.Targets[i]}.", name);
        }
    }

    private static double SumOf(ReadOnlySpan<float> values)
    {
        double sum = 0;
        foreach (float value in values)
            sum += value;
        return sum;
    }
}

/// <summary>A subset of a <see cref="TrainingData"/> given by example indices (no copying).</summary>
internal sealed record DataSubset(TrainingData Data, int[] Indices)
{
    public static DataSubset All(TrainingData data) => new(data, Enumerable.Range(0, data.ExampleCount).ToArray());

    public int Count => Indices.Length;

    /// <summary>Copies the examples <paramref name="positions"/> (positions in <see cref="Indices"/>) into contiguous batch buffers.</summary>
    public void Gather(ReadOnlySpan<int> positions, Span<float> features, Span<float> targets, Span<float> weights)
    {
        int d = Data.FeatureCount, t = Data.TargetWidth;
        for (int r = 0; r < positions.Length; r++)
        {
            int example = Indices[positions[r]];
            // Shuffled rows start where no hardware prefetcher looks: fetch the next one while copying this one.
            if (r + 1 < positions.Length)
                CachePrefetch.Lines(Data.Features.AsSpan(Indices[positions[r + 1]] * d, d));
            Data.Features.AsSpan(example * d, d).CopyTo(features.Slice(r * d, d));
            Data.Targets.AsSpan(example * t, t).CopyTo(targets.Slice(r * t, t));
            if (Data.ExampleWeights is { } exampleWeights)
                weights[r] = exampleWeights[example];
        }
    }
}

/// <summary>The state of one <see cref="MlpTrainer.Train"/> call: network copy, workspace, optimiser, buffers.</summary>
internal sealed class TrainingRun
{
    private readonly TrainingOptions options;
    private readonly MlpNetwork network;
    private readonly DataSubset trainingSet;
    private readonly DataSubset? validationSet;
    private readonly Backpropagation backpropagation;
    private readonly Optimizer optimizer;
    private readonly DeterministicRandom shuffleRandom;
    private readonly DeterministicRandom maskRandom;
    private readonly int[] order;
    private readonly int[] sequential;
    private readonly float[] batchFeatures;
    private readonly float[] batchTargets;
    private readonly float[] batchWeights;

    public TrainingRun(TrainingOptions options, MlpNetwork network, DataSubset trainingSet, DataSubset? validationSet)
    {
        this.options = options;
        this.network = network;
        this.trainingSet = trainingSet;
        this.validationSet = validationSet;
        int maxRows = Math.Min(options.BatchSize, trainingSet.Count);
        backpropagation = new Backpropagation(network, options.Loss, maxRows, options.DropoutRate, options.DropConnectRate, options.NumberOfThreads);
        optimizer = options.CreateOptimizer(network);
        shuffleRandom = new DeterministicRandom(options.Seed, DeterministicRandom.Stream.Shuffle);
        maskRandom = new DeterministicRandom(options.Seed, DeterministicRandom.Stream.Masks);
        order = Enumerable.Range(0, trainingSet.Count).ToArray();
        sequential = Enumerable.Range(0, Math.Max(trainingSet.Count, validationSet?.Count ?? 0)).ToArray();
        int targetWidth = trainingSet.Data.TargetWidth;
        batchFeatures = new float[maxRows * network.InputCount];
        batchTargets = new float[maxRows * targetWidth];
        batchWeights = new float[maxRows];
    }

    public TrainingResult Execute(Action<EpochSummary>? epochCompleted, Action? checkAlive, CancellationToken cancellationToken)
    {
        var epochs = new List<EpochSummary>();
        MlpNetwork? best = options.EarlyStopping && options.RestoreBestWeights ? network.Clone() : null;
        double bestLoss = double.PositiveInfinity;
        int bestEpoch = 0, epochsWithoutImprovement = 0;
        StopReason reason = StopReason.MaxEpochs;
        for (int epoch = 1; epoch <= options.MaxEpochs; epoch++)
        {
            var clock = Stopwatch.StartNew();
            double trainingLoss = RunEpoch(epoch, checkAlive, cancellationToken);
            (double? validationLoss, double? validationAccuracy) = Validate(epoch);
            var summary = new EpochSummary(epoch, trainingLoss, validationLoss, validationAccuracy, clock.Elapsed);
            epochs.Add(summary);
            epochCompleted?.Invoke(summary);

            double monitored = validationLoss ?? trainingLoss;
            if (monitored < bestLoss - options.Tolerance)
            {
                bestLoss = monitored;
                bestEpoch = epoch;
                epochsWithoutImprovement = 0;
                best?.CopyParametersFrom(network);
            }
            else
            {
                epochsWithoutImprovement++;
            }
            if (trainingLoss <= options.TargetLoss)
            {
                reason = StopReason.TargetLossReached;
                break;
            }
            if (options.EarlyStopping && epochsWithoutImprovement >= options.Patience)
            {
                reason = StopReason.EarlyStopping;
                break;
            }
        }
        bool restore = best is not null && bestEpoch != epochs.Count;
        if (restore)
            network.CopyParametersFrom(best!);
        var report = new TrainingReport(epochs, bestEpoch, reason, restore, validationSet?.Count ?? 0);
        return new TrainingResult(network, report);
    }

    /// <summary>One pass over the shuffled training set; returns the weighted mean mini-batch loss.</summary>
    private double RunEpoch(int epoch, Action? checkAlive, CancellationToken cancellationToken)
    {
        if (options.Shuffle)
            shuffleRandom.Shuffle(order);
        double lossSum = 0, weightSum = 0;
        for (int start = 0; start < order.Length; start += backpropagation.MaxRows)
        {
            checkAlive?.Invoke();
            cancellationToken.ThrowIfCancellationRequested();
            int rows = Math.Min(backpropagation.MaxRows, order.Length - start);
            (double batchLoss, double batchWeight) = TrainBatch(order.AsSpan(start, rows), epoch);
            lossSum += batchLoss;
            weightSum += batchWeight;
        }
        if (!network.ParametersAreFinite())
            throw new TrainingDivergedException(epoch, double.NaN, options.LearningRate);
        return lossSum / weightSum;
    }

    /// <summary>gather → masks → forward → loss → backward → update, for one mini-batch.</summary>
    private (double WeightedLoss, double WeightSum) TrainBatch(ReadOnlySpan<int> positions, int epoch)
    {
        int rows = positions.Length;
        ReadOnlySpan<float> features = batchFeatures.AsSpan(0, rows * network.InputCount);
        trainingSet.Gather(positions, batchFeatures, batchTargets, batchWeights);
        backpropagation.SampleMasks(maskRandom, rows);
        backpropagation.Forward(features, rows, training: true);
        var (weightedLoss, weightSum) = backpropagation.Loss(batchTargets, WeightsOf(trainingSet, rows), rows, computeGradient: true);
        if (!double.IsFinite(weightedLoss))
            throw new TrainingDivergedException(epoch, weightedLoss, options.LearningRate);
        backpropagation.Backward(features, rows, options.L2);
        optimizer.ApplyGradients(network, backpropagation);
        return (weightedLoss, weightSum);
    }

    /// <summary>Weighted mean loss and (for classification) accuracy on the validation set, in inference mode.</summary>
    private (double? Loss, double? Accuracy) Validate(int epoch)
    {
        if (validationSet is null)
            return (null, null);
        bool classification = LossFunctions.IsClassification(options.Loss, network.OutputCount);
        double lossSum = 0, weightSum = 0, correct = 0;
        for (int start = 0; start < validationSet.Count; start += backpropagation.MaxRows)
        {
            int rows = Math.Min(backpropagation.MaxRows, validationSet.Count - start);
            validationSet.Gather(sequential.AsSpan(start, rows), batchFeatures, batchTargets, batchWeights);
            backpropagation.Forward(batchFeatures.AsSpan(0, rows * network.InputCount), rows, training: false);
            ReadOnlySpan<float> weights = WeightsOf(validationSet, rows);
            var (batchLoss, batchWeight) = backpropagation.Loss(batchTargets, weights, rows, computeGradient: false);
            lossSum += batchLoss;
            weightSum += batchWeight;
            if (classification)
                correct += LossFunctions.WeightedCorrect(options.Loss, backpropagation.OutputLogits, backpropagation.Outputs,
                    batchTargets, weights, rows, network.OutputCount);
        }
        double loss = lossSum / weightSum;
        if (!double.IsFinite(loss))
            throw new TrainingDivergedException(epoch, loss, options.LearningRate);
        return (loss, classification ? correct / weightSum : null);
    }

    private ReadOnlySpan<float> WeightsOf(DataSubset subset, int rows) =>
        subset.Data.ExampleWeights is null ? ReadOnlySpan<float>.Empty : batchWeights.AsSpan(0, rows);
}
