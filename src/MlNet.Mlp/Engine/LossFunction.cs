using System.Buffers;
using System.Runtime.CompilerServices;
using MlNet.Mlp.Kernels;

namespace MlNet.Mlp.Engine;

/// <summary>
/// The per-example loss L_i and the target layout it expects. Every loss is averaged over a mini-batch with the
/// example weights w_i: L = Σ_i w_i·L_i / Σ_i w_i (plain mean when no weights are given). The values are fixed.
/// </summary>
public enum LossFunction
{
    /// <summary>
    /// L_i = ½ Σ_j (y_ij − o_ij)² over the outputs, as in the course notes (scikit-learn's squared_loss also
    /// divides by the output count; PyTorch's MSELoss drops the ½). Any output activation: Identity for regression,
    /// Sigmoid or Softmax to use it for classification. Targets: rows×OutputCount values.
    /// </summary>
    SquaredError = 0,

    /// <summary>
    /// Multiclass cross-entropy L_i = −log softmax(a_i)_k = logΣ_j e^(a_ij) − a_ik, computed from the logits with
    /// log-sum-exp. Output activation must be Softmax. Targets: one class index k ∈ {0 … OutputCount−1} per row,
    /// stored as a float.
    /// </summary>
    SoftmaxCrossEntropy = 1,

    /// <summary>
    /// Binary (or multi-label) cross-entropy L_i = Σ_j max(a_ij, 0) − a_ij·y_ij + log(1 + e^−|a_ij|), the stable
    /// logit form of −y log σ(a) − (1−y) log(1−σ(a)). Output activation must be Sigmoid. Targets: rows×OutputCount
    /// values in [0, 1] (usually 0 or 1).
    /// </summary>
    SigmoidCrossEntropy = 2,

    /// <summary>
    /// Rosenblatt's perceptron criterion L_i = max(0, −s·a_i) with s = 2y−1 ∈ {−1, +1}; gradient −s·x when
    /// s·a ≤ 0 (a tie counts as a mistake, so learning starts from zero weights). With SGD, no momentum and batch
    /// size 1 this is the classic perceptron rule w ← w + η·s·x on mistakes. One output with Identity activation;
    /// targets: one 0/1 label per row; predict the positive class where the output is ≥ 0.
    /// </summary>
    Perceptron = 3,
}

/// <summary>Loss values, output-layer gradients and accuracy for each <see cref="LossFunction"/>.</summary>
internal static class LossFunctions
{
    /// <summary>Number of target values per example the loss expects.</summary>
    public static int TargetWidth(LossFunction loss, int outputCount) => loss == LossFunction.SoftmaxCrossEntropy ? 1 : outputCount;

    /// <summary>The output activation the loss requires, or null when any is allowed.</summary>
    public static Activation? RequiredOutputActivation(LossFunction loss) => loss switch
    {
        LossFunction.SoftmaxCrossEntropy => Activation.Softmax,
        LossFunction.SigmoidCrossEntropy => Activation.Sigmoid,
        LossFunction.Perceptron => Activation.Identity,
        _ => null,
    };

    /// <summary>
    /// Whether the targets are class labels (so validation splits are stratified and accuracy is defined): the
    /// classification losses, and squared error against a one-hot softmax or a single sigmoid output.
    /// </summary>
    public static bool IsClassification(LossFunction loss, Activation outputActivation, int outputCount) => loss switch
    {
        LossFunction.SoftmaxCrossEntropy or LossFunction.Perceptron => true,
        LossFunction.SigmoidCrossEntropy => outputCount == 1,
        _ => outputActivation == Activation.Softmax || (outputActivation == Activation.Sigmoid && outputCount == 1),
    };

    /// <summary>
    /// The class of each example of <paramref name="targets"/>, for a split that keeps class proportions; null when the
    /// targets are not class labels (see <see cref="IsClassification"/>).
    /// </summary>
    public static Func<int, int>? ClassSelector(LossFunction loss, Activation outputActivation, int outputCount, float[] targets) =>
        IsClassification(loss, outputActivation, outputCount) ? row => ClassOf(loss, targets, row, outputCount) : null;

    /// <summary>The class of example <paramref name="row"/> of a classification target array (see <see cref="IsClassification"/>).</summary>
    public static int ClassOf(LossFunction loss, ReadOnlySpan<float> targets, int row, int outputCount)
    {
        int width = TargetWidth(loss, outputCount);
        return loss == LossFunction.SoftmaxCrossEntropy ? (int)targets[row]
            : width > 1 ? ArgMax(targets.Slice(row * width, width))
            : targets[row] > 0.5f ? 1 : 0;
    }

    /// <summary>
    /// Σ_i w_i·L_i over the batch, and Σ_i w_i. When <paramref name="delta"/> is not empty, also writes
    /// ∂L/∂a for the weighted batch mean L = Σ w_i L_i / Σ w_i into it (rows×outputCount), where a are the output
    /// layer's pre-activations (<paramref name="logits"/>) and o = Φ(a) its <paramref name="outputs"/>.
    /// </summary>
    /// <remarks>
    /// The rows' losses and gradients are computed on up to <paramref name="numberOfThreads"/> threads, each row
    /// wholly by one; the sums are then formed on the calling thread in row order, so the result does not depend on
    /// the thread count.
    /// </remarks>
    public static unsafe (double WeightedLoss, double WeightSum) Evaluate(LossFunction loss, Activation outputActivation,
        ReadOnlySpan<float> logits, ReadOnlySpan<float> outputs, ReadOnlySpan<float> targets, ReadOnlySpan<float> exampleWeights,
        int rows, int outputCount, Span<float> delta, float labelSmoothing = 0f, int numberOfThreads = 1)
    {
        int minimumRows = Math.Max(1, MinimumValuesPerRange / Math.Max(outputCount, 1));
        if (numberOfThreads <= 1 || rows < 2 * minimumRows)
            return EvaluateSerially(loss, outputActivation, logits, outputs, targets, exampleWeights, rows, outputCount, delta, labelSmoothing);

        double weightSum = 0;
        for (int i = 0; i < rows; i++)
            weightSum += ExampleWeight(exampleWeights, i);
        double[] rowLosses = ArrayPool<double>.Shared.Rent(rows);
        try
        {
            fixed (float* a = logits)
            fixed (float* o = outputs)
            fixed (float* y = targets)
            fixed (float* w = exampleWeights)
            fixed (float* d = delta)
            fixed (double* losses = rowLosses)
            {
                var job = new ExampleLosses(loss, outputActivation, a, o, y, exampleWeights.IsEmpty ? null : w, delta.IsEmpty ? null : d,
                    losses, outputCount, TargetWidth(loss, outputCount), labelSmoothing, GradientScale(weightSum));
                ParallelRanges.Run(ref job, rows, numberOfThreads, minimumRows, alignment: 1);
            }
            double weightedLoss = 0;
            for (int i = 0; i < rows; i++)
                weightedLoss += ExampleWeight(exampleWeights, i) * rowLosses[i];
            return (weightedLoss, weightSum);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(rowLosses);
        }
    }

    /// <summary>
    /// <see cref="Evaluate"/> on the calling thread, in one pass that sums as it goes (the same additions in the same
    /// order), then the gradient's scaling: a small batch spares the row buffer and the weight pass.
    /// </summary>
    // This and ExampleLoss run every batch from a process's first one, so they are compiled fully optimised at the
    // first call: at tier 0 they were 1.5% of a fresh process's first seven small-table Fits.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (double WeightedLoss, double WeightSum) EvaluateSerially(LossFunction loss, Activation outputActivation,
        ReadOnlySpan<float> logits, ReadOnlySpan<float> outputs, ReadOnlySpan<float> targets, ReadOnlySpan<float> exampleWeights,
        int rows, int outputCount, Span<float> delta, float labelSmoothing)
    {
        int targetWidth = TargetWidth(loss, outputCount);
        double weightedLoss = 0, weightSum = 0;
        for (int i = 0; i < rows; i++)
        {
            double w = ExampleWeight(exampleWeights, i);
            ReadOnlySpan<float> a = logits.Slice(i * outputCount, outputCount);
            ReadOnlySpan<float> o = outputs.Slice(i * outputCount, outputCount);
            ReadOnlySpan<float> y = targets.Slice(i * targetWidth, targetWidth);
            Span<float> d = delta.IsEmpty ? default : delta.Slice(i * outputCount, outputCount);
            weightedLoss += w * ExampleLoss(loss, a, o, y, d, labelSmoothing);
            weightSum += w;
        }
        if (!delta.IsEmpty)
            ScaleByExampleWeights(delta, outputs, exampleWeights, rows, outputCount, GradientScale(weightSum), outputActivation, loss);
        return (weightedLoss, weightSum);
    }

    /// <summary>1 / Σw; an all-zero-weight batch carries no information, so its gradient is zero rather than 0/0.</summary>
    private static double GradientScale(double weightSum) => weightSum > 0 ? 1.0 / weightSum : 0.0;

    /// <summary>
    /// Output values a range of rows must hold before it is worth another thread: a row's loss costs a few
    /// nanoseconds per output (an exponential, a copy, a scaling), a hand-off about a microsecond.
    /// </summary>
    private const int MinimumValuesPerRange = 512;

    private static double ExampleWeight(ReadOnlySpan<float> exampleWeights, int row) => exampleWeights.IsEmpty ? 1.0 : exampleWeights[row];

    /// <summary>Each row's L_i, and with a gradient buffer its ∂L_i/∂a scaled by w_i / Σw, for a range of rows.</summary>
    private readonly unsafe struct ExampleLosses(LossFunction loss, Activation outputActivation, float* logits, float* outputs, float* targets,
        float* exampleWeights, float* delta, double* rowLosses, int outputCount, int targetWidth, float labelSmoothing, double gradientScale)
        : IRangeJob
    {
        public void Run(int start, int end)
        {
            for (int i = start; i < end; i++)
            {
                var a = new ReadOnlySpan<float>(logits + (long)i * outputCount, outputCount);
                var o = new ReadOnlySpan<float>(outputs + (long)i * outputCount, outputCount);
                var y = new ReadOnlySpan<float>(targets + (long)i * targetWidth, targetWidth);
                Span<float> d = delta is null ? default : new Span<float>(delta + (long)i * outputCount, outputCount);
                rowLosses[i] = ExampleLoss(loss, a, o, y, d, labelSmoothing);
            }
            if (delta is not null)
            {
                int length = (end - start) * outputCount;
                ScaleByExampleWeights(new Span<float>(delta + (long)start * outputCount, length), new ReadOnlySpan<float>(outputs + (long)start * outputCount, length),
                    exampleWeights is null ? default : new ReadOnlySpan<float>(exampleWeights + start, end - start), end - start, outputCount,
                    gradientScale, outputActivation, loss);
            }
        }
    }

    /// <summary>Number of examples whose predicted class matches the label, weighted by the example weights.</summary>
    public static double WeightedCorrect(LossFunction loss, ReadOnlySpan<float> logits, ReadOnlySpan<float> outputs,
        ReadOnlySpan<float> targets, ReadOnlySpan<float> exampleWeights, int rows, int outputCount)
    {
        double correct = 0;
        for (int i = 0; i < rows; i++)
        {
            bool hit = loss switch
            {
                LossFunction.SoftmaxCrossEntropy => ArgMax(outputs.Slice(i * outputCount, outputCount)) == (int)targets[i],
                LossFunction.Perceptron => logits[i] >= 0f == targets[i] > 0.5f,
                _ when outputCount > 1 => ArgMax(outputs.Slice(i * outputCount, outputCount)) == ClassOf(loss, targets, i, outputCount),
                _ => outputs[i] >= 0.5f == targets[i] > 0.5f,
            };
            if (hit)
                correct += exampleWeights.IsEmpty ? 1.0 : exampleWeights[i];
        }
        return correct;
    }

    /// <summary>L_i for one example; writes the unweighted ∂L_i/∂o (squared error, before the activation's
    /// backward step) or ∂L_i/∂a (the logit losses) into <paramref name="d"/> when it is not empty. The cross-entropies
    /// take targets smoothed by ε: (1 − ε)·y + ε/K, with K the class count (2 for a sigmoid output).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double ExampleLoss(LossFunction loss, ReadOnlySpan<float> a, ReadOnlySpan<float> o, ReadOnlySpan<float> y, Span<float> d,
        float smoothing)
    {
        double sum = 0;
        switch (loss)
        {
            case LossFunction.SquaredError:
                for (int j = 0; j < o.Length; j++)
                {
                    float residual = o[j] - y[j];
                    sum += 0.5 * residual * residual;
                    if (!d.IsEmpty)
                        d[j] = residual;
                }
                return sum;
            case LossFunction.SoftmaxCrossEntropy:
                int k = (int)y[0];
                if (smoothing == 0f)
                {
                    if (!d.IsEmpty)
                    {
                        o.CopyTo(d);
                        d[k] -= 1f;
                    }
                    return Softmax.LogSumExp(a) - a[k];
                }
                // −Σ_j y'_j log p_j = logΣe^a − Σ_j y'_j a_j with y'_j = ε/K + (1 − ε)[j = k]; gradient p − y'.
                float offTarget = smoothing / a.Length;
                if (!d.IsEmpty)
                {
                    for (int j = 0; j < a.Length; j++)
                        d[j] = o[j] - offTarget;
                    d[k] -= 1f - smoothing;
                }
                double logitSum = 0;
                foreach (float logit in a)
                    logitSum += logit;
                return Softmax.LogSumExp(a) - (1 - smoothing) * a[k] - offTarget * logitSum;
            case LossFunction.SigmoidCrossEntropy:
                for (int j = 0; j < a.Length; j++)
                {
                    double z = a[j];
                    float target = y[j] * (1 - smoothing) + 0.5f * smoothing;
                    sum += Math.Max(z, 0) - z * target + Math.Log(1 + Math.Exp(-Math.Abs(z)));
                    if (!d.IsEmpty)
                        d[j] = o[j] - target;
                }
                return sum;
            case LossFunction.Perceptron:
                float s = y[0] > 0.5f ? 1f : -1f;
                float margin = s * a[0];
                if (!d.IsEmpty)
                    d[0] = margin <= 0f ? -s : 0f;
                return Math.Max(0.0, -margin);
            default:
                throw new ArgumentOutOfRangeException(nameof(loss), loss, "Unknown loss function.");
        }
    }

    /// <summary>Multiplies each example's gradient row by w_i / Σw (given as <paramref name="gradientScale"/> = 1/Σw)
    /// and, for squared error, first applies the output activation's backward step to turn ∂L/∂o into ∂L/∂a.</summary>
    private static void ScaleByExampleWeights(Span<float> delta, ReadOnlySpan<float> outputs, ReadOnlySpan<float> exampleWeights,
        int rows, int outputCount, double gradientScale, Activation outputActivation, LossFunction loss)
    {
        if (loss == LossFunction.SquaredError)
            ActivationFunctions.Backward(outputActivation, outputs, delta, rows, outputCount);
        if (exampleWeights.IsEmpty)
        {
            // Every weight is 1, so every row's factor is the same: one pass over the block, not one call per row.
            Span<float> block = delta[..(rows * outputCount)];
            ElementwiseLoops.Map(new ScaleOperator((float)gradientScale), block, block);
            return;
        }
        for (int i = 0; i < rows; i++)
        {
            float factor = (float)(ExampleWeight(exampleWeights, i) * gradientScale);
            Span<float> rowDelta = delta.Slice(i * outputCount, outputCount);
            ElementwiseLoops.Map(new ScaleOperator(factor), rowDelta, rowDelta);
        }
    }

    private static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int j = 1; j < values.Length; j++)
            if (values[j] > values[best])
                best = j;
        return best;
    }
}
