using MlNet.Mlp;
using MlNet.Mlp.Engine;
using Spectre.Console;

namespace MlNet.Mlp.Samples;

/// <summary>
/// Shows MLP training epoch by epoch: a live Spectre.Console progress bar per ensemble member in a terminal, one plain
/// line per epoch when the output is redirected (a log file or CI has no cursor to move, and would fill with escape
/// codes). Members may train side by side (as many at once as there are threads), so several bars can fill together.
/// </summary>
internal static class TrainingProgress
{
    /// <summary>
    /// Hooks <see cref="MlpOptionsBase.EpochCompleted"/> for the duration of <paramref name="fit"/> and returns its
    /// result. Plain output prints every <paramref name="plainLineEvery"/>-th epoch, so long runs stay readable in a log.
    /// </summary>
    public static T Show<T>(MlpOptionsBase options, string title, Func<T> fit, int plainLineEvery = 1)
    {
        if (Console.IsOutputRedirected || !AnsiConsole.Profile.Capabilities.Interactive)
        {
            options.EpochCompleted = epoch =>
            {
                if (epoch.Epoch == 1 || epoch.Epoch % plainLineEvery == 0)
                    Console.WriteLine($"{Title(title, epoch.Member, options)}: {Describe(epoch, options.NumberOfIterations)}");
            };
            return fit();
        }

        T result = default!;
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new ElapsedTimeColumn())
            .Start(context =>
            {
                // A bar per member, in member order: members training side by side report in any order (one report at
                // a time), so a member's first report makes the bars of the members before it too.
                var tasks = new List<ProgressTask>();
                options.EpochCompleted = epoch =>
                {
                    while (tasks.Count <= epoch.Member)
                        tasks.Add(context.AddTask(Markup.Escape(Title(title, tasks.Count, options)), maxValue: options.NumberOfIterations));
                    ProgressTask task = tasks[epoch.Member];
                    // Compact, so the bar and the elapsed-time column still fit an 80-column terminal.
                    task.Description = Markup.Escape($"{Title(title, epoch.Member, options)} epoch {epoch.Epoch}/{options.NumberOfIterations}  " +
                        $"train {epoch.TrainingLoss:F4}  val {(epoch.ValidationLoss is { } loss ? loss.ToString("F4") : "-")}");
                    task.Value = epoch.Epoch;
                };
                result = fit();
                // Early stopping ends before the maximum: show every bar as finished rather than stuck part-way.
                foreach (ProgressTask task in tasks)
                    task.Value = task.MaxValue;
            });
        return result;
    }

    private static string Title(string title, int member, MlpOptionsBase options) =>
        options.EnsembleSize > 1 ? $"{title} {member + 1}/{options.EnsembleSize}" : title;

    private static string Describe(EpochSummary epoch, int maxEpochs) =>
        $"epoch {epoch.Epoch,3}/{maxEpochs}  training loss {epoch.TrainingLoss:F4}  " +
        $"validation loss {(epoch.ValidationLoss is { } loss ? loss.ToString("F4") : "-")}  " +
        $"{(epoch.ValidationAccuracy is { } accuracy ? $"accuracy {accuracy:F4}  " : "")}{epoch.Elapsed.TotalSeconds,5:F2} s";
}
