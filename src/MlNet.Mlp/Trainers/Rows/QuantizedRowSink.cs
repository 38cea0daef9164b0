using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.ML.Data;
using MlNet.Mlp.Engine;
using MlNet.Mlp.Kernels;

namespace MlNet.Mlp.Trainers;

/// <summary>
/// Rows kept as one byte a value: every value a whole number, 0 to 255, of one step. The step is the one given, or
/// (given 0) taken from the first row that has a value above 0: the greatest common divisor of its values when they
/// are whole numbers (counts, raw pixels), else its smallest value above 0 (pixels divided by 255). A row that does not
/// fit ends the pass, with <see cref="RetryStep"/> set to a finer step that it and the rows before fit, or to 0 when no
/// step will do.
/// </summary>
/// <remarks>
/// The codes come from <see cref="PooledCodes"/> and go back through <see cref="TrainingRows.Dispose"/>, or here when
/// the pass ends without building the matrix (a row that does not fit, or no row at all).
/// </remarks>
internal sealed class QuantizedRowSink(int featureCount, int rows, float step) : FeatureRowSink
{
    private int _capacity = rows;
    // Allocated once the first row shows that it fits, so that features that are not quantised at all cost no codes.
    private byte[]? _codes;
    private float[]? _denseRow;

    /// <summary>The step of the codes so far (0 while every row has been all zeros).</summary>
    public float Step { get; private set; } = step;

    /// <summary>After a row did not fit: a finer step worth another pass, or 0.</summary>
    public float RetryStep { get; private set; }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override bool TryAdd(in VBuffer<float> row, int index)
    {
        ReadOnlySpan<float> values = row.IsDense ? row.GetValues() : DenseCopy(row);
        if (Step == 0)
            Step = FirstStep(values);
        Span<byte> rowCodes = _codes is not null ? _codes.AsSpan(index * featureCount, featureCount) : new byte[featureCount];
        bool fits;
        if (Step > 0)
            fits = QuantizedVector.TryEncode(values, Step, rowCodes);
        else
        {
            // No step yet, so the codes are all 0; a pooled array holds whatever its last user left there.
            fits = AllPositiveZeros(values);
            rowCodes.Clear();
        }
        if (!fits)
        {
            RetryStep = FinerStep(values, Step, rowCodes);
            ReturnCodes(); // the pass ends here
            return false;
        }
        if (_codes is null)
        {
            _codes = PooledCodes.Rent(checked(_capacity * featureCount));
            PageFaultAhead.Start(_codes, (long)_capacity * featureCount);
            rowCodes.CopyTo(_codes);
        }
        return true;
    }

    public override void Resize(int rows)
    {
        _capacity = rows;
        if (_codes is not null && _codes.Length < (long)rows * featureCount)
        {
            byte[] larger = PooledCodes.Rent(checked(rows * featureCount));
            _codes.CopyTo(larger, 0);
            ReturnCodes();
            _codes = larger;
        }
    }

    public override StoredFeatures Build(int rows)
    {
        if (_codes is null || rows == 0)
        {
            ReturnCodes();
            return new([], null, null);
        }
        return new([], null, new QuantizedRowMatrix(featureCount, rows, _codes, Step > 0 ? Step : 1f));
    }

    private void ReturnCodes()
    {
        if (_codes is not null)
            PooledCodes.Return(_codes);
        _codes = null;
    }

    private ReadOnlySpan<float> DenseCopy(in VBuffer<float> row)
    {
        _denseRow ??= new float[row.Length];
        row.CopyTo(_denseRow);
        return _denseRow;
    }

    /// <summary>
    /// A finer step for a row that does not fit <paramref name="step"/>, which the row fits and which divides
    /// <paramref name="step"/> a whole number of times, so that the rows before fit it too; otherwise 0. Whole numbers
    /// get the greatest common divisor of the step and the row's values (exact in float); other values the row's
    /// smallest value above 0, when it divides the step (to float round-off).
    /// </summary>
    private static float FinerStep(ReadOnlySpan<float> values, float step, Span<byte> scratch)
    {
        float finer = WholeNumberDivisor(values, step) is > 0 and var divisor ? divisor : SmallestPositive(values);
        if (!(finer > 0 && finer < step))
            return 0;
        float times = MathF.Round(step / finer);
        bool divides = times <= QuantizedVector.MaxCode && MathF.Abs(times * finer - step) <= 4e-7f * step;
        return divides && QuantizedVector.TryEncode(values, finer, scratch) ? finer : 0;
    }

    /// <summary>The step of a first row: see the class's summary.</summary>
    private static float FirstStep(ReadOnlySpan<float> values) =>
        WholeNumberDivisor(values, 0) is > 0 and var divisor ? divisor : SmallestPositive(values);

    /// <summary>
    /// The greatest common divisor of <paramref name="start"/> (0 for none) and every value above 0, when all of them
    /// are whole numbers small enough for float to hold exactly; otherwise 0. Random counts 0 to 255 whose first row
    /// has no 1 (its smallest value 3, say, and a later row's 2) need the divisor, not the smallest value.
    /// </summary>
    private static float WholeNumberDivisor(ReadOnlySpan<float> values, float start)
    {
        if (!IsExactWholeNumber(start))
            return 0;
        int divisor = (int)start;
        foreach (float value in values)
        {
            if (value > 0)
            {
                if (!IsExactWholeNumber(value))
                    return 0;
                divisor = GreatestCommonDivisor(divisor, (int)value);
            }
        }
        return divisor;
    }

    // 2²⁴: every whole number up to it, and none of the odd ones above it, is a float.
    private static bool IsExactWholeNumber(float value) => value >= 0 && value <= 16_777_216 && float.IsInteger(value);

    private static int GreatestCommonDivisor(int a, int b)
    {
        while (b != 0)
            (a, b) = (b, a % b);
        return a;
    }

    /// <summary>The smallest value above 0, or 0 when there is none.</summary>
    private static float SmallestPositive(ReadOnlySpan<float> values)
    {
        float smallest = float.PositiveInfinity;
        foreach (float value in values)
        {
            if (value > 0 && value < smallest)
                smallest = value;
        }
        return float.IsPositiveInfinity(smallest) ? 0 : smallest;
    }

    // −0 is not code 0 (it decodes to +0), so it is turned away here as it is by the encoder.
    private static bool AllPositiveZeros(ReadOnlySpan<float> values) =>
        MemoryMarshal.Cast<float, int>(values).IndexOfAnyExcept(0) < 0;
}
