using System.Numerics.Tensors;
using MlNet.Mlp.Kernels;

namespace MlNet.Mlp.Engine;

/// <summary>The function Φ a <see cref="DenseLayer"/> applies to its pre-activations a = W·x + b.</summary>
public enum Activation
{
    /// <summary>Φ(a) = a. Output layer for regression.</summary>
    Identity,
    /// <summary>Φ(a) = 1/(1+e^−a), Φ' = Φ(1−Φ).</summary>
    Sigmoid,
    /// <summary>Φ(a) = tanh a, Φ' = 1−Φ².</summary>
    Tanh,
    /// <summary>Φ(a) = max(a, 0), Φ' = [a &gt; 0].</summary>
    Relu,
    /// <summary>Φ(a) = min(max(a, −1), 1), Φ' = [|a| &lt; 1].</summary>
    HardTanh,
    /// <summary>Φ(a)_j = e^(a_j)/Σ_k e^(a_k) over the layer's outputs. Output layer only.</summary>
    Softmax,
}

/// <summary>Applies an <see cref="Activation"/> to rows×columns blocks through the kernels.</summary>
internal static class ActivationFunctions
{
    /// <summary>h = Φ(a) for a rows×columns row-major block; <paramref name="h"/> may be <paramref name="a"/>.</summary>
    public static void Forward(Activation activation, ReadOnlySpan<float> a, Span<float> h, int rows, int columns)
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
                Activations.Sigmoid(a, h);
                break;
            case Activation.Tanh:
                Activations.Tanh(a, h);
                break;
            case Activation.Relu:
                Activations.Relu(a, h);
                break;
            case Activation.HardTanh:
                Activations.HardTanh(a, h);
                break;
            case Activation.Softmax:
                for (int i = 0; i < rows; i++)
                    Softmax.Row(a.Slice(i * columns, columns), h.Slice(i * columns, columns));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(activation), activation, "Unknown activation.");
        }
    }

    /// <summary>
    /// Turns ∂L/∂h into ∂L/∂a in place, given the forward outputs h. For softmax this is the Jacobian-vector
    /// product ∂L/∂a_j = h_j (g_j − Σ_k g_k h_k) per row.
    /// </summary>
    public static void Backward(Activation activation, ReadOnlySpan<float> h, Span<float> g, int rows, int columns)
    {
        int length = rows * columns;
        h = h[..length];
        g = g[..length];
        switch (activation)
        {
            case Activation.Identity:
                break;
            case Activation.Sigmoid:
                Activations.SigmoidBackward(h, g);
                break;
            case Activation.Tanh:
                Activations.TanhBackward(h, g);
                break;
            case Activation.Relu:
                Activations.ReluBackward(h, g);
                break;
            case Activation.HardTanh:
                Activations.HardTanhBackward(h, g);
                break;
            case Activation.Softmax:
                for (int i = 0; i < rows; i++)
                {
                    ReadOnlySpan<float> hi = h.Slice(i * columns, columns);
                    Span<float> gi = g.Slice(i * columns, columns);
                    float projection = TensorPrimitives.Dot(gi, hi);
                    TensorPrimitives.Subtract(gi, projection, gi);
                    TensorPrimitives.Multiply(gi, hi, gi);
                }
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(activation), activation, "Unknown activation.");
        }
    }
}
