namespace MlNet.Mlp.Engine;

/// <summary>Seeded split of a training set into training and validation indices.</summary>
internal static class ValidationSplit
{
    /// <summary>
    /// Puts round(fraction·count) examples of each class (of all examples when <paramref name="classOf"/> is null)
    /// into the validation set, chosen by a seeded shuffle, so class proportions are kept. Both index lists are
    /// returned in increasing order.
    /// </summary>
    /// <exception cref="ArgumentException">The split would leave the training or validation set empty.</exception>
    public static (int[] Training, int[] Validation) Split(int exampleCount, float fraction, Func<int, int>? classOf, DeterministicRandom random)
    {
        var groups = new SortedDictionary<int, List<int>>();
        for (int i = 0; i < exampleCount; i++)
        {
            int key = classOf?.Invoke(i) ?? 0;
            if (!groups.TryGetValue(key, out var members))
                groups[key] = members = [];
            members.Add(i);
        }
        var training = new List<int>(exampleCount);
        var validation = new List<int>();
        foreach (List<int> members in groups.Values)
        {
            int[] shuffled = members.ToArray();
            random.Shuffle(shuffled);
            int validationCount = (int)Math.Round(fraction * shuffled.Length, MidpointRounding.AwayFromZero);
            validation.AddRange(shuffled.Take(validationCount));
            training.AddRange(shuffled.Skip(validationCount));
        }
        if (validation.Count == 0 || training.Count == 0)
            throw new ArgumentException($"Splitting {exampleCount} examples with validation fraction {fraction} leaves an empty " +
                "training or validation set; pass a validation set or use more data.");
        training.Sort();
        validation.Sort();
        return (training.ToArray(), validation.ToArray());
    }
}
