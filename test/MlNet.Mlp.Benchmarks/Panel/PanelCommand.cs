using System.Diagnostics;
using System.Text.Json;
using Microsoft.ML;

namespace MlNet.Mlp.Benchmarks.Panel;

/// <summary>
/// <c>panel --manifest FILE [--learners mlp,lightgbm,…] [--sets a,b] [--mlp "Name=Value;…"] [--seeds 0,1] [--tag T]</c>:
/// cross-validates each learner on each data set of the manifest (written by build/bench/panel.py) and prints one
/// "RESULT {json}" line per set, learner and seed: the score of every evaluated fold (accuracy or R²) and its Fit
/// time. Learners take turns fold by fold, so that all of them see the same load on a shared machine; a first,
/// unreported Fit of each warms up the JIT.
/// </summary>
public static class PanelCommand
{
    private sealed record ManifestEntry(string Name, string Task, string Csv, string Folds, bool FixedSplit);

    public static void Run(string[] args)
    {
        string manifest = Argument(args, "--manifest") ?? throw new ArgumentException("panel needs --manifest FILE (see build/bench/panel.py).");
        string[] learners = (Argument(args, "--learners") ?? "mlp,perceptron,lightgbm,fasttree").Split(',');
        string[]? sets = Argument(args, "--sets")?.Split(',');
        var mlpOptions = OptionOverrides.Parse(Argument(args, "--mlp"));
        int[] seeds = (Argument(args, "--seeds") ?? "0").Split(',').Select(int.Parse).ToArray();
        string tag = Argument(args, "--tag") ?? "";

        var entries = JsonSerializer.Deserialize<ManifestEntry[]>(File.ReadAllText(manifest), new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!;
        bool warmedUp = false;
        foreach (ManifestEntry entry in entries.Where(e => sets is null || sets.Contains(e.Name)))
        {
            var task = Enum.Parse<PanelTask>(entry.Task, ignoreCase: true);
            PanelDataSet set = PanelDataSet.Read(entry.Name, task, entry.Csv, entry.Folds, entry.FixedSplit);
            string[] applicable = learners.Where(l => PanelLearners.Supports(l, task)).ToArray();
            if (!warmedUp)
            {
                foreach (string learner in applicable)
                    FitAndScore(set, set.EvaluatedFolds.First(), learner, mlpOptions, seeds[0]);
                warmedUp = true;
            }
            foreach (int seed in seeds)
            {
                var scores = applicable.ToDictionary(l => l, _ => new List<double>());
                var seconds = applicable.ToDictionary(l => l, _ => new List<double>());
                foreach (int fold in set.EvaluatedFolds)
                foreach (string learner in applicable)
                {
                    (double score, double fitSeconds) = FitAndScore(set, fold, learner, mlpOptions, seed);
                    scores[learner].Add(score);
                    seconds[learner].Add(fitSeconds);
                }
                foreach (string learner in applicable)
                {
                    ResultLine.Print(new
                    {
                        set = set.Name, task = task.ToString(), learner, tag, seed, rows = set.Labels.Length, features = set.FeatureCount,
                        scores = scores[learner], mean = scores[learner].Average(), fit_s = seconds[learner], fit_total_s = seconds[learner].Sum(),
                    });
                }
            }
        }
    }

    private static (double Score, double FitSeconds) FitAndScore(PanelDataSet set, int fold, string learner,
        IReadOnlyList<(string, string)> mlpOptions, int seed)
    {
        var ml = new MLContext(seed);
        (int[] trainRows, int[] testRows) = set.Split(fold);
        IDataView train = PanelData.View(ml, set, trainRows), test = PanelData.View(ml, set, testRows);
        IEstimator<ITransformer> pipeline = PanelLearners.Create(ml, learner, set.Task, mlpOptions);
        var clock = Stopwatch.StartNew();
        ITransformer model = pipeline.Fit(train);
        double seconds = clock.Elapsed.TotalSeconds;
        return (PanelData.Score(set.Task, model.Transform(test)), seconds);
    }

    private static string? Argument(string[] args, string name)
    {
        int index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }
}
