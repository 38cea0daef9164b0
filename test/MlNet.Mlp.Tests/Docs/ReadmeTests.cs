using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using Xunit;

namespace MlNet.Mlp.Tests.Docs;

/// <summary>
/// Keeps README.md true: its option tables list every public option with the default the options object really
/// has, and every C# block in it is a region of a sample that the build compiles.
/// </summary>
public sealed partial class ReadmeTests
{
    private static readonly string RepositoryRoot = FindRepositoryRoot();
    private static readonly string Readme = File.ReadAllText(Path.Combine(RepositoryRoot, "README.md")).ReplaceLineEndings("\n");

    [Fact]
    public void Readme_shows_the_two_commands()
    {
        Assert.Contains("dotnet run --project src/MlNet.Mlp.Samples -c Release", Readme);
        Assert.Contains("dotnet test", Readme);
    }

    [Fact]
    public void Every_csharp_block_is_a_region_of_a_built_sample()
    {
        var regions = Directory.GetFiles(Path.Combine(RepositoryRoot, "src", "MlNet.Mlp.Samples"), "*.cs")
            .SelectMany(file => RegionPattern().Matches(File.ReadAllText(file).ReplaceLineEndings("\n"))
                .Select(m => (Name: m.Groups["name"].Value, File: Path.GetFileName(file), Text: Dedent(m.Groups["body"].Value))))
            .ToList();
        var blocks = CsharpBlockPattern().Matches(Readme).Select(m => m.Groups["body"].Value.TrimEnd('\n')).ToList();

        Assert.NotEmpty(blocks);
        foreach (string block in blocks)
        {
            bool found = regions.Any(r => r.Text == block);
            Assert.True(found, "This README C# block matches no // <name> ... // </name> region in src/MlNet.Mlp.Samples; " +
                "copy it from (or into) the sample so the build checks it:\n" + block +
                "\n\nRegions:\n" + string.Join("\n\n", regions.Select(r => $"{r.File} <{r.Name}>:\n{r.Text}")));
        }
    }

    public static TheoryData<string, Type> OptionsClasses() => new()
    {
        { "## The Perceptron trainer", typeof(PerceptronTrainer.Options) },
        { "## The MLP trainers", typeof(MlpBinaryTrainer.Options) },
        { "## The MLP trainers", typeof(MlpMulticlassTrainer.Options) },
        { "## The MLP trainers", typeof(MlpRegressionTrainer.Options) },
        { "## The multi-output regression trainer", typeof(MlpMultiOutputRegressionTrainer.Options) },
        { "## The multi-label trainer", typeof(MlpMultiLabelTrainer.Options) },
    };

    private const string SharedMlpSection = "## The MLP trainers";

    [Theory]
    [MemberData(nameof(OptionsClasses))]
    public void Options_table_lists_every_option_with_its_actual_default(string section, Type optionsType)
    {
        var table = OptionsTable(section);
        object options = Activator.CreateInstance(optionsType)!;
        string task = TaskName(optionsType);

        // The multi-output trainers' sections list only what differs; the options they share with every MLP trainer
        // (those of MlpOptionsBase) are in the MLP trainers' table, with the same default.
        var shared = OptionsTable(SharedMlpSection);
        foreach (FieldInfo field in optionsType.GetFields(BindingFlags.Public | BindingFlags.Instance))
        {
            bool documentedHere = table.TryGetValue(field.Name, out string? documented);
            if (!documentedHere && field.DeclaringType == typeof(MlpOptionsBase))
                documentedHere = shared.TryGetValue(field.Name, out documented);
            Assert.True(documentedHere,
                $"README section '{section}' has no table row for {optionsType.DeclaringType!.Name}.Options.{field.Name}.");
            string actual = Format(field.GetValue(options));
            bool matches = documented == actual || DefaultForTask(documented!, task) == actual;
            Assert.True(matches, $"README '{section}' gives {field.Name} the default '{documented}', but {optionsType.DeclaringType!.Name}.Options has {actual}.");
        }
    }

    /// <summary>
    /// "0.003 (multiclass 0.001, regression 0.1)": the first value is every task's default except those named in
    /// parentheses.
    /// </summary>
    private static string DefaultForTask(string documented, string task)
    {
        int open = documented.IndexOf(" (", StringComparison.Ordinal);
        if (open < 0 || !documented.EndsWith(')'))
            return documented;
        foreach (string exception in documented[(open + 2)..^1].Split(", "))
        {
            string[] taskAndValue = exception.Split(' ', 2);
            if (taskAndValue.Length == 2 && taskAndValue[0] == task)
                return taskAndValue[1];
        }
        return documented[..open];
    }

    [Fact]
    public void Options_tables_name_no_option_that_does_not_exist()
    {
        var perceptron = typeof(PerceptronTrainer.Options).GetFields().Select(f => f.Name).ToHashSet();
        var mlp = new[] { typeof(MlpBinaryTrainer.Options), typeof(MlpMulticlassTrainer.Options), typeof(MlpRegressionTrainer.Options) }
            .SelectMany(t => t.GetFields()).Select(f => f.Name).ToHashSet();
        Assert.Empty(OptionsTable("## The Perceptron trainer").Keys.Except(perceptron));
        Assert.Empty(OptionsTable("## The MLP trainers").Keys.Except(mlp));
        Assert.Empty(OptionsTable("## The multi-output regression trainer").Keys.Except(typeof(MlpMultiOutputRegressionTrainer.Options).GetFields().Select(f => f.Name)));
        Assert.Empty(OptionsTable("## The multi-label trainer").Keys.Except(typeof(MlpMultiLabelTrainer.Options).GetFields().Select(f => f.Name)));
    }

    /// <summary>The first table after <paramref name="heading"/>: option name → default cell, backticks removed.</summary>
    private static Dictionary<string, string> OptionsTable(string heading)
    {
        int start = Readme.IndexOf(heading + "\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"README has no '{heading}' section.");
        var rows = Readme[start..].Split('\n')
            .SkipWhile(line => !line.StartsWith("| option", StringComparison.Ordinal)).Skip(2)
            .TakeWhile(line => line.StartsWith('|'));
        var table = new Dictionary<string, string>();
        foreach (string row in rows)
        {
            string[] cells = row.Split('|').Select(c => c.Trim()).ToArray();
            string name = OptionNamePattern().Match(cells[1]).Groups["name"].Value;
            table[name] = cells[2].Replace("`", "");
        }
        return table;
    }

    private static string TaskName(Type optionsType) => optionsType.DeclaringType!.Name switch
    {
        nameof(MlpBinaryTrainer) => "binary",
        nameof(MlpMulticlassTrainer) => "multiclass",
        nameof(MlpRegressionTrainer) => "regression",
        _ => "perceptron",
    };

    /// <summary>How the README writes a default value.</summary>
    private static string Format(object? value) => value switch
    {
        null => "null",
        string s => $"\"{s}\"",
        bool b => b ? "true" : "false",
        int[] sizes => $"[{string.Join(", ", sizes)}]",
        IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString()!,
    };

    private static string Dedent(string text)
    {
        string[] lines = text.TrimEnd('\n', ' ').Split('\n');
        int indent = lines.Where(l => l.Trim().Length > 0).Min(l => l.Length - l.TrimStart().Length);
        return string.Join("\n", lines.Select(l => l.Length >= indent ? l[indent..] : l.TrimStart()));
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "MlNet.Mlp.sln")))
                return directory.FullName;
        }
        throw new InvalidOperationException($"No MlNet.Mlp.sln above {AppContext.BaseDirectory}.");
    }

    [GeneratedRegex(@"^[ \t]*// <(?<name>[a-z-]+)>\n(?<body>.*?)^[ \t]*// </\k<name>>", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex RegionPattern();

    [GeneratedRegex(@"^```csharp\n(?<body>.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex CsharpBlockPattern();

    [GeneratedRegex(@"`(?<name>\w+)`")]
    private static partial Regex OptionNamePattern();
}
