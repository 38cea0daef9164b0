using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;

namespace MlNet.Mlp.Benchmarks.Panel;

/// <summary>
/// The learners the panel compares, each as a new user would write it: <c>NormalizeMeanVariance</c> on the features
/// (after <c>MapValueToKey</c> on a multiclass label),
/// then the trainer with its defaults. "mlp" takes option overrides (see <see cref="OptionOverrides"/>) for tuning.
/// </summary>
public static class PanelLearners
{
    public static readonly string[] Names = ["mlp", "perceptron", "lightgbm", "fasttree"];

    /// <summary>Whether <paramref name="learner"/> applies to <paramref name="task"/> (the perceptron is binary only).</summary>
    public static bool Supports(string learner, PanelTask task) => learner != "perceptron" || task == PanelTask.Binary;

    public static IEstimator<ITransformer> Create(MLContext ml, string learner, PanelTask task, IReadOnlyList<(string, string)> mlpOptions)
    {
        IEstimator<ITransformer> normalize = ml.Transforms.NormalizeMeanVariance("Features");
        if (task == PanelTask.Multiclass)
            normalize = ml.Transforms.Conversion.MapValueToKey("Label", keyOrdinality: Microsoft.ML.Transforms.ValueToKeyMappingEstimator.KeyOrdinality.ByValue).Append(normalize);
        return normalize.Append(Trainer(ml, learner, task, mlpOptions));
    }

    private static IEstimator<ITransformer> Trainer(MLContext ml, string learner, PanelTask task, IReadOnlyList<(string, string)> mlpOptions) =>
        (learner, task) switch
        {
            ("mlp", PanelTask.Binary) => ml.BinaryClassification.Trainers.Mlp(OptionOverrides.Apply(new MlpBinaryTrainer.Options(), mlpOptions)),
            ("mlp", PanelTask.Multiclass) => ml.MulticlassClassification.Trainers.Mlp(OptionOverrides.Apply(new MlpMulticlassTrainer.Options(), mlpOptions)),
            ("mlp", PanelTask.Regression) => ml.Regression.Trainers.Mlp(OptionOverrides.Apply(new MlpRegressionTrainer.Options(), mlpOptions)),
            ("perceptron", PanelTask.Binary) => ml.BinaryClassification.Trainers.Perceptron(),
            ("lightgbm", PanelTask.Binary) => ml.BinaryClassification.Trainers.LightGbm(),
            ("lightgbm", PanelTask.Multiclass) => ml.MulticlassClassification.Trainers.LightGbm(),
            ("lightgbm", PanelTask.Regression) => ml.Regression.Trainers.LightGbm(),
            ("fasttree", PanelTask.Binary) => ml.BinaryClassification.Trainers.FastTree(),
            // ML.NET has no multiclass FastTree: one-versus-all over the binary one is how users get it.
            ("fasttree", PanelTask.Multiclass) => ml.MulticlassClassification.Trainers.OneVersusAll(ml.BinaryClassification.Trainers.FastTree()),
            ("fasttree", PanelTask.Regression) => ml.Regression.Trainers.FastTree(),
            _ => throw new ArgumentException($"Learner '{learner}' does not apply to {task} sets; known: {string.Join(", ", Names)}."),
        };
}
