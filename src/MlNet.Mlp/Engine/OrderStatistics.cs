using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace MlNet.Mlp.Engine;

/// <summary>
/// Exact order statistics of float samples in linear time: the value that sorting the samples ascending would put at
/// a given rank, found by a most-significant-digit radix selection (counting passes over 11, 11 and 10 bits of an
/// order-preserving key) instead of a sort. Robust scaling needs three such values per feature, and sorting every
/// column of a large data set cost seconds.
/// </summary>
/// <remarks>
/// Values are compared by their keys, which order −0 before +0 (a sort treats them as equal and may put either first);
/// every other pair of finite values is ordered as by &lt;. The samples must be finite.
/// </remarks>
internal sealed class OrderStatistics
{
    private static readonly (int Shift, uint Mask)[] Digits = [(21, 0x7FF), (10, 0x7FF), (0, 0x3FF)];

    /// <summary>Counts are kept in this many interleaved copies, so that runs of equal keys (a column of zeros) do not
    /// make every increment wait for the one before.</summary>
    private const int Lanes = 4;

    private const int DigitValues = 1 << 11;

    // One histogram per digit, remembered with the prefix it was counted under: quantiles that share their leading
    // digits (the quartiles of a column that is mostly zeros) share the passes too.
    private readonly int[][] _counts = Enumerable.Range(0, Digits.Length).Select(_ => new int[Lanes * DigitValues]).ToArray();
    private readonly (uint Prefix, uint Mask, bool Valid)[] _countedUnder = new (uint, uint, bool)[Digits.Length];

    /// <summary>
    /// Turns <paramref name="values"/> into their order-preserving keys, in place: a key compares as an unsigned integer
    /// exactly as its value compares (−0 below +0). Returns the smallest and largest key.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static (uint Min, uint Max) ToKeys(Span<float> values)
    {
        Span<uint> bits = MemoryMarshal.Cast<float, uint>(values);
        uint min = uint.MaxValue, max = 0;
        for (int i = 0; i < bits.Length; i++)
        {
            uint key = bits[i] ^ ((uint)((int)bits[i] >> 31) | 0x8000_0000u);
            bits[i] = key;
            min = Math.Min(min, key);
            max = Math.Max(max, key);
        }
        return (min, max);
    }

    /// <summary>The value whose key is <paramref name="key"/>.</summary>
    public static float FromKey(uint key) =>
        BitConverter.UInt32BitsToSingle((key & 0x8000_0000u) != 0 ? key ^ 0x8000_0000u : ~key);

    /// <summary>
    /// For each rank in <paramref name="ranks"/> (0-based), the key at that position of <paramref name="keys"/> sorted
    /// ascending, into <paramref name="selected"/>. Counts are shared between ranks whose leading digits agree, so
    /// ranks given in ascending order pass over the keys least often.
    /// </summary>
    public void Select(ReadOnlySpan<uint> keys, ReadOnlySpan<int> ranks, Span<uint> selected)
    {
        if (selected.Length < ranks.Length)
            throw new ArgumentException($"Room for {selected.Length} keys, but {ranks.Length} ranks.", nameof(selected));
        foreach (int rank in ranks)
        {
            if ((uint)rank >= (uint)keys.Length)
                throw new ArgumentOutOfRangeException(nameof(ranks), rank, $"A rank must lie in [0, {keys.Length}).");
        }
        // Counts of an earlier call belong to other keys.
        Array.Clear(_countedUnder);
        for (int r = 0; r < ranks.Length; r++)
            selected[r] = Select(keys, ranks[r]);
    }

    private uint Select(ReadOnlySpan<uint> keys, int rank)
    {
        uint prefix = 0, prefixMask = 0;
        int remaining = rank;
        for (int level = 0; level < Digits.Length; level++)
        {
            (int shift, uint mask) = Digits[level];
            int[] counts = _counts[level];
            if (_countedUnder[level] != (prefix, prefixMask, true))
            {
                Count(keys, shift, mask, prefix, prefixMask, counts);
                _countedUnder[level] = (prefix, prefixMask, true);
            }
            int digit = 0;
            while (remaining >= counts[digit])
                remaining -= counts[digit++];
            prefix |= (uint)digit << shift;
            prefixMask |= mask << shift;
        }
        return prefix;
    }

    /// <summary>
    /// counts[d] = the number of keys with (key &amp; prefixMask) == prefix whose digit (key &gt;&gt; shift) &amp; mask is d.
    /// The comparison is folded into the count so that the loop does not branch on data.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Count(ReadOnlySpan<uint> keys, int shift, uint mask, uint prefix, uint prefixMask, int[] counts)
    {
        Array.Clear(counts);
        ref int lanes = ref MemoryMarshal.GetArrayDataReference(counts);
        ref uint key = ref MemoryMarshal.GetReference(keys);
        int n = keys.Length, i = 0;
        for (; i + Lanes <= n; i += Lanes)
        {
            for (int lane = 0; lane < Lanes; lane++)
            {
                uint k = Unsafe.Add(ref key, i + lane);
                Unsafe.Add(ref lanes, lane * DigitValues + (int)((k >> shift) & mask)) += (k & prefixMask) == prefix ? 1 : 0;
            }
        }
        for (; i < n; i++)
        {
            uint k = Unsafe.Add(ref key, i);
            Unsafe.Add(ref lanes, (int)((k >> shift) & mask)) += (k & prefixMask) == prefix ? 1 : 0;
        }
        for (int digit = 0; digit <= mask; digit++)
        {
            for (int lane = 1; lane < Lanes; lane++)
                Unsafe.Add(ref lanes, digit) += Unsafe.Add(ref lanes, lane * DigitValues + digit);
        }
    }
}
