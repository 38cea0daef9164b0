namespace MlNet.Mlp.Engine;

/// <summary>
/// SplitMix64 generator: tiny, fast, and fully specified here, so a seed gives the same weights, shuffles and
/// masks on every platform and .NET version (System.Random makes no such promise across versions).
/// </summary>
internal sealed class DeterministicRandom
{
    private const ulong GoldenGamma = 0x9E3779B97F4A7C15UL;
    private ulong state;

    /// <summary>Independent streams for the different random decisions, so that e.g. turning dropout on does
    /// not change the shuffling order or the initial weights.</summary>
    public enum Stream : ulong
    {
        Initialization = 1,
        Shuffle = 2,
        Masks = 3,
        ValidationSplit = 4,
    }

    public DeterministicRandom(int seed, Stream stream)
    {
        state = Mix((ulong)(uint)seed * GoldenGamma + (ulong)stream);
    }

    public ulong NextUInt64()
    {
        state += GoldenGamma;
        return Mix(state);
    }

    /// <summary>Uniform on [0, 1) with 24 random bits (every float in the range is k·2⁻²⁴).</summary>
    public float NextFloat() => (NextUInt64() >> 40) * (1f / (1 << 24));

    /// <summary>Uniform integer in [0, <paramref name="bound"/>) by Lemire's multiply-shift (bias below 2⁻³²·bound).</summary>
    public int NextInt(int bound) => (int)(((NextUInt64() >> 32) * (ulong)bound) >> 32);

    /// <summary>Fisher–Yates shuffle.</summary>
    public void Shuffle(Span<int> values)
    {
        for (int i = values.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (values[i], values[j]) = (values[j], values[i]);
        }
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
