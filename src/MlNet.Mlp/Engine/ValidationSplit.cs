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
        var training = new List<int>(exampleCount);
        var validation = new List<int>();
        foreach (List<int> members in Groups(exampleCount, classOf).Values)
        {
            int[] shuffled = members.ToArray();
            random.Shuffle(shuffled);
            int validationCount = ValidationShare(shuffled.Length, fraction);
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

    /// <summary>
    /// How many examples <see cref="Split"/> puts on each side, without splitting: rounding per class, the validation
    /// side of many small classes can be far from fraction·count, or empty.
    /// </summary>
    public static (int Training, int Validation) Sizes(int exampleCount, float fraction, Func<int, int>? classOf)
    {
        int validation = Groups(exampleCount, classOf).Values.Sum(members => ValidationShare(members.Count, fraction));
        return (exampleCount - validation, validation);
    }

    private static int ValidationShare(int classSize, float fraction) =>
        (int)Math.Round(fraction * classSize, MidpointRounding.AwayFromZero);

    private static SortedDictionary<int, List<int>> Groups(int exampleCount, Func<int, int>? classOf)
    {
        var groups = new SortedDictionary<int, List<int>>();
        for (int i = 0; i < exampleCount; i++)
        {
            int key = classOf?.Invoke(i) ?? 0;
            if (!groups.TryGetValue(key, out var members))
                groups[key] = members = [];
            members.Add(i);
        }
        return groups;
    }
}
