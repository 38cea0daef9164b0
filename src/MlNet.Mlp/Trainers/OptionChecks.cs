namespace MlNet.Mlp.Trainers;

/// <summary>Option validation with errors that name the option and the bad value.</summary>
internal static class OptionChecks
{
    public static void Positive(double value, string option)
    {
        if (!(value > 0) || !double.IsFinite(value))
            throw new ArgumentOutOfRangeException(option, value, $"{option} must be positive and finite, but is {value}.");
    }

    public static void NonNegative(double value, string option)
    {
        if (!(value >= 0) || !double.IsFinite(value))
            throw new ArgumentOutOfRangeException(option, value, $"{option} must be zero or positive and finite, but is {value}.");
    }

    public static void AtLeast(int value, int minimum, string option)
    {
        if (value < minimum)
            throw new ArgumentOutOfRangeException(option, value, $"{option} must be at least {minimum}, but is {value}.");
    }

    public static void InRange(double value, double minimum, double maximum, string option, bool maximumIncluded = true)
    {
        bool ok = value >= minimum && (maximumIncluded ? value <= maximum : value < maximum);
        if (!ok)
        {
            string upper = maximumIncluded ? $"{maximum}]" : $"{maximum})";
            throw new ArgumentOutOfRangeException(option, value, $"{option} must be in [{minimum}, {upper}, but is {value}.");
        }
    }

    public static void ColumnName(string? name, string option)
    {
        if (string.IsNullOrWhiteSpace(name))
            throw new ArgumentOutOfRangeException(option, name, $"{option} must name a column, but is {(name is null ? "null" : $"'{name}'")}.");
    }

    public static void Defined<TEnum>(TEnum value, string option) where TEnum : struct, Enum
    {
        if (!Enum.IsDefined(value))
            throw new ArgumentOutOfRangeException(option, value, $"{option} must be one of {string.Join(", ", Enum.GetNames<TEnum>())}, but is {value}.");
    }
}
