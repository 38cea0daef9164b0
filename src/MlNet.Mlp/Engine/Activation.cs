using System.Runtime.CompilerServices;
using MlNet.Mlp.Kernels;

namespace MlNet.Mlp.Engine;

/// <summary>The function Φ a <see cref="DenseLayer"/> applies to its pre-activations a = W·x + b.</summary>
public enum Activation
{
    /// <summary>Φ(a) = a. Output layer for regression.</summary>
    Identity = 0,
    /// <summary>Φ(a) = 1/(1+e^−a), Φ' = Φ(1−Φ).</summary>
    Sigmoid = 1,
    /// <summary>Φ(a) = tanh a, Φ' = 1−Φ².</summary>
    Tanh = 2,
    /// <summary>Φ(a) = max(a, 0), Φ' = [a &gt; 0].</summary>
    Relu = 3,
    /// <summary>Φ(a) = min(max(a, −1), 1), Φ' = [|a| &lt; 1].</summary>
    HardTanh = 4,
    /// <summary>Φ(a)_j = e^(a_j)/Σ_k e^(a_k) over the layer's outputs. Output layer only.</summary>
    Softmax = 5,
}

/// <summary>
/// Applies an <see cref="Activation"/> to rows×columns blocks through the kernels, split over up to
/// <c>numberOfThreads</c> threads: elementwise activations by ranges of elements, softmax by rows; either way every
/// element's result is the one a single thread computes.
/// </summary>
internal static unsafe class ActivationFunctions
{
    /// <summary>h = Φ(a) for a rows×columns row-major block; <paramref name="h"/> may be <paramref name="a"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward(Activation activation, ReadOnlySpan<float> a, Span<float> h, int rows, int columns, int numberOfThreads = 1)
    {
        int length = rows * columns;
        a = a[..length];
        h = h[..length];
        switch (activation)
        {
            case Activation.Identity:
                a.CopyTo(h);
                break;
            case Activation.Sigmoid:
                ParallelElementwise.Map(&Activations.Sigmoid, a, h, numberOfThreads);
                break;
            case Activation.Tanh:
                ParallelElementwise.Map(&Activations.Tanh, a, h, numberOfThreads);
                break;
            case Activation.Relu:
                ParallelElementwise.Map(new ReluOperator(), a, h, numberOfThreads);
                break;
            case Activation.HardTanh:
                ParallelElementwise.Map(new HardTanhOperator(), a, h, numberOfThreads);
                break;
            case Activation.Softmax:
                fixed (float* ap = a)
                fixed (float* hp = h)
                {
                    var job = new SoftmaxRows(ap, hp, columns, backward: false);
                    ParallelRanges.Run(ref job, rows, numberOfThreads, RowsPerRange(columns), alignment: 1);
                }
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(activation), activation, "Unknown activation.");
        }
    }

    /// <summary>
    /// Turns ∂L/∂h into ∂L/∂a in place, given the forward outputs h. For softmax this is the Jacobian-vector
    /// product ∂L/∂a_j = h_j (g_j − Σ_k g_k h_k) per row.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Backward(Activation activation, ReadOnlySpan<float> h, Span<float> g, int rows, int columns, int numberOfThreads = 1)
    {
        int length = rows * columns;
        h = h[..length];
        g = g[..length];
        switch (activation)
        {
            case Activation.Identity:
                break;
            case Activation.Sigmoid:
                ParallelElementwise.Map(new SigmoidBackwardOperator(), h, g, g, numberOfThreads);
                break;
            case Activation.Tanh:
                ParallelElementwise.Map(new TanhBackwardOperator(), h, g, g, numberOfThreads);
                break;
            case Activation.Relu:
                ParallelElementwise.Map(new ReluBackwardOperator(), h, g, g, numberOfThreads);
                break;
            case Activation.HardTanh:
                ParallelElementwise.Map(new HardTanhBackwardOperator(), h, g, g, numberOfThreads);
                break;
            case Activation.Softmax:
                fixed (float* hp = h)
                fixed (float* gp = g)
                {
                    var job = new SoftmaxRows(hp, gp, columns, backward: true);
                    ParallelRanges.Run(ref job, rows, numberOfThreads, RowsPerRange(columns), alignment: 1);
                }
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(activation), activation, "Unknown activation.");
        }
    }

    /// <summary>
    /// Whether h = Φ(a + b) can be computed inside the layer's product (<see cref="BiasActivationEpilogue{TActivation}"/>):
    /// activations made of exact operations (max, min), whose result cannot depend on how the tile is vectorised.
    /// </summary>
    public static bool FusesIntoProduct(Activation activation) => activation is Activation.Identity or Activation.Relu or Activation.HardTanh;

    private static int RowsPerRange(int columns) => ParallelElementwise.MinimumItems(columns);

    /// <summary>Softmax (forward: x = a, y = h) or its backward step (x = h, y = g in place), row by row.</summary>
    private readonly struct SoftmaxRows(float* x, float* y, int columns, bool backward) : IRangeJob
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(int start, int end)
        {
            for (int i = start; i < end; i++)
            {
                var input = new ReadOnlySpan<float>(x + (long)i * columns, columns);
                var output = new Span<float>(y + (long)i * columns, columns);
                if (backward)
                    Softmax.RowBackward(input, output);
                else
                    Softmax.Row(input, output);
            }
        }
    }
}
