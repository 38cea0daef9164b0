using System.Globalization;
using System.Reflection;

namespace MlNet.Mlp.Benchmarks.Panel;

/// <summary>
/// "Name=Value;Name=Value" settings applied to an options object's public fields by name, so that the panel can try
/// other settings of our trainers without a rebuild: numbers, booleans, enum member names, and int arrays written as
/// "256x128" (an empty value sets null on a nullable field). "Name?=Value" sets the field only where the options
/// type has it (a classification-only option across a panel of mixed tasks).
/// </summary>
public static class OptionOverrides
{
    public static IReadOnlyList<(string Name, string Value)> Parse(string? text) =>
        string.IsNullOrWhiteSpace(text)
            ? []
            : text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(pair => pair.Split('=', 2, StringSplitOptions.TrimEntries))
                .Select(parts => parts.Length == 2 ? (parts[0], parts[1]) : throw new ArgumentException($"Expected Name=Value, got '{string.Join("=", parts)}'."))
                .ToList();

    /// <summary>Sets the fields of <paramref name="options"/>; returns it. Unknown names fail loudly.</summary>
    public static T Apply<T>(T options, IReadOnlyList<(string Name, string Value)> overrides) where T : notnull
    {
        foreach ((string name, string value) in overrides)
        {
            bool optional = name.EndsWith('?');
            FieldInfo? field = options.GetType().GetField(name.TrimEnd('?'), BindingFlags.Public | BindingFlags.Instance);
            if (field is null && optional)
                continue;
            if (field is null)
                throw new ArgumentException($"{options.GetType().Name} has no option '{name}'.");
            field.SetValue(options, Convert(value, field.FieldType, name));
        }
        return options;
    }

    private static object? Convert(string value, Type type, string name)
    {
        Type? nullable = Nullable.GetUnderlyingType(type);
        if (nullable is not null)
            return value.Length == 0 ? null : Convert(value, nullable, name);
        if (type == typeof(int[]))
            return value.Split('x').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        if (type.IsEnum)
            return Enum.Parse(type, value, ignoreCase: true);
        if (type == typeof(bool))
            return bool.Parse(value);
        return System.Convert.ChangeType(value, type, CultureInfo.InvariantCulture)
            ?? throw new ArgumentException($"Cannot read '{value}' for option '{name}'.");
    }
}
