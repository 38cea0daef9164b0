using MlNet.Mlp.Engine;
using Xunit;

namespace MlNet.Mlp.Tests.Engine;

/// <summary>
/// The batch loss and its gradient split over threads row by row, with the sums formed in row order afterwards: the
/// loss, the weight sum and every gradient value have the same bits on 1, 2 or 3 threads, for every loss.
/// </summary>
public class LossEvaluationTests
{
    public static TheoryData<string> Settings => new()
    {
        "softmax-ce", "softmax-ce weighted", "softmax-ce smoothed weighted", "sigmoid-ce weighted", "sigmoid-ce smoothed",
        "squared identity weighted", "squared sigmoid", "squared softmax weighted", "perceptron weighted",
    };

    [Theory]
    [MemberData(nameof(Settings))]
    public void The_loss_and_its_gradient_do_not_depend_on_the_thread_count(string setting)
    {
        const int rows = 1200; // enough for every loss to split (ranges hold at least 512 output values)
        (LossFunction loss, Activation output, int outputs) = setting.Split(' ')[0] switch
        {
            "softmax-ce" => (LossFunction.SoftmaxCrossEntropy, Activation.Softmax, 10),
            "sigmoid-ce" => (LossFunction.SigmoidCrossEntropy, Activation.Sigmoid, 3),
            "perceptron" => (LossFunction.Perceptron, Activation.Identity, 1),
            _ => (LossFunction.SquaredError, setting.Contains("softmax") ? Activation.Softmax : setting.Contains("sigmoid") ? Activation.Sigmoid : Activation.Identity, 4),
        };
        var random = new Random(31);
        float[] logits = EngineTestData.Uniform(random, rows * outputs, 3f);
        float[] outputsValues = new float[logits.Length];
        ActivationFunctions.Forward(output, logits, outputsValues, rows, outputs);
        float[] targets = EngineTestData.Targets(random, loss, output, rows, outputs);
        float[] weights = setting.Contains("weighted") ? EngineTestData.Uniform(random, rows, 1f).Select(w => MathF.Abs(w)).ToArray() : [];
        float smoothing = setting.Contains("smoothed") ? 0.1f : 0f;

        (double loss1, double sum1, float[] delta1) = Evaluate(1);
        Assert.True(double.IsFinite(loss1) && loss1 > 0, $"{setting}: loss {loss1}");
        Assert.Contains(delta1, value => value != 0f);
        foreach (int threads in new[] { 2, 3 })
        {
            (double lossN, double sum, float[] delta) = Evaluate(threads);
            Assert.Equal(BitConverter.DoubleToInt64Bits(loss1), BitConverter.DoubleToInt64Bits(lossN));
            Assert.Equal(BitConverter.DoubleToInt64Bits(sum1), BitConverter.DoubleToInt64Bits(sum));
            Assert.Equal(delta1, delta);
        }

        (double, double, float[]) Evaluate(int threads)
        {
            float[] delta = new float[rows * outputs];
            (double weighted, double weightSum) = LossFunctions.Evaluate(loss, output, logits, outputsValues, targets, weights, rows, outputs, delta,
                smoothing, threads);
            return (weighted, weightSum, delta);
        }
    }
}
