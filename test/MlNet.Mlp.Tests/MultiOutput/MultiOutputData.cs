using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNet.Mlp.Tests.MultiOutput;

/// <summary>Data for the multi-output regression and multi-label tests.</summary>
internal static class MultiOutputData
{
    public sealed class HalfAdderRow
    {
        [VectorType(2)] public float[] Features { get; set; } = [];

        /// <summary>(carry, sum).</summary>
        [VectorType(2)] public bool[] Label { get; set; } = [];
    }

    public sealed class RegressionRow
    {
        [VectorType(3)] public float[] Features { get; set; } = [];
        [VectorType(3)] public float[] Label { get; set; } = [];
    }

    public sealed class MultiLabelRow
    {
        [VectorType(3)] public float[] Features { get; set; } = [];
        [VectorType(3)] public bool[] Label { get; set; } = [];
    }

    /// <summary>The course notes' two-output example: inputs (a, b), targets (carry, sum) = (a ∧ b, a ⊕ b).</summary>
    public static List<HalfAdderRow> HalfAdder() =>
    [
        new() { Features = [0, 0], Label = [false, false] },
        new() { Features = [0, 1], Label = [false, true] },
        new() { Features = [1, 0], Label = [false, true] },
        new() { Features = [1, 1], Label = [true, false] },
    ];

    /// <summary>The notes' network for it: sigmoid hidden units, two sigmoid outputs, squared error.</summary>
    public static MlpMultiLabelTrainer.Options HalfAdderOptions(int seed) => new()
    {
        HiddenLayerSizes = [4],
        Activation = MlpActivation.Sigmoid,
        Loss = MlpLoss.SquaredError,
        LearningRate = 0.05f,
        BatchSize = 4,
        NumberOfIterations = 1500,
        L2Regularization = 0,
        EarlyStopping = false,
        Seed = seed,
    };

    /// <summary>
    /// Rows with x uniform in [−1, 1)³ and three targets of known structure and different scales: a linear one,
    /// y₀ = 2x₀ − x₁ + 0.5; a product and a square, y₁ = x₀x₁ + x₂²; and y₂ = 100 + 10 tanh(2x₂).
    /// </summary>
    public static List<RegressionRow> KnownStructure(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ =>
        {
            float[] x = [(float)(random.NextDouble() * 2 - 1), (float)(random.NextDouble() * 2 - 1), (float)(random.NextDouble() * 2 - 1)];
            return new RegressionRow { Features = x, Label = [2 * x[0] - x[1] + 0.5f, x[0] * x[1] + x[2] * x[2], 100 + 10 * MathF.Tanh(2 * x[2])] };
        }).ToList();
    }

    /// <summary>Rows with x uniform in [−1, 1)³ and three labels: x₀ &gt; 0, x₀ + x₁ &gt; 0, x₀x₂ &gt; 0 (an XOR of signs).</summary>
    public static List<MultiLabelRow> MultiLabel(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ =>
        {
            float[] x = [(float)(random.NextDouble() * 2 - 1), (float)(random.NextDouble() * 2 - 1), (float)(random.NextDouble() * 2 - 1)];
            return new MultiLabelRow { Features = x, Label = [x[0] > 0, x[0] + x[1] > 0, x[0] * x[2] > 0] };
        }).ToList();
    }

    public static IDataView Load<T>(MLContext ml, IEnumerable<T> rows) where T : class => ml.Data.LoadFromEnumerable(rows.ToList());
}
