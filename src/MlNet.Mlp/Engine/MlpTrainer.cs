using System.Diagnostics;
using MlNet.Mlp.Kernels;

namespace MlNet.Mlp.Engine;

/// <summary>
/// Trains an <see cref="MlpNetwork"/>: by mini-batches (<see cref="MiniBatchRun"/>: per epoch, shuffle, then for each
/// mini-batch gather → forward → loss → backward → optimiser step) or by full-batch L-BFGS (<see cref="FullBatchRun"/>);
/// after each epoch, validate, report and check the stopping rules (see <see cref="TrainingOptions"/>).
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

        (DataSubset trainingSet, DataSubset? validationSet) = SelectSubsets(training, validation, initialNetwork);
        MlpNetwork network = initialNetwork.Clone();
        TrainingRun run = Options.Optimizer == OptimizerKind.Lbfgs
            ? new FullBatchRun(Options, network, trainingSet, validationSet)
            : new MiniBatchRun(Options, network, trainingSet, validationSet);
        return run.Execute(epochCompleted, checkAlive, cancellationToken);
    }

    private (DataSubset Training, DataSubset? Validation) SelectSubsets(TrainingData training, TrainingData? validation, MlpNetwork network)
    {
        if (validation is not null)
            return (DataSubset.All(training), DataSubset.All(validation));
        if (!Options.EarlyStopping)
            return (DataSubset.All(training), null);
        Func<int, int>? classOf = LossFunctions.ClassSelector(Options.Loss, network.OutputLayer.Activation, network.OutputCount, training.Targets);
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
