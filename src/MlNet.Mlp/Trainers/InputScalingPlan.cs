using Microsoft.ML.Runtime;
using MlNet.Mlp.Engine;

namespace MlNet.Mlp.Trainers;

/// <summary>
/// How one Fit scales the features: fitted on the training rows, applied in place to our copies of the training and
/// validation rows, and carried into the model — folded into the first layer (standardisation) or kept as the
/// networks' input stage (robust scaling).
/// </summary>
internal sealed class InputScalingPlan
{
    /// <summary>
    /// Of features that arrive sparse, only those non-zero in at least this share of the rows are standardised: the
    /// dense columns beside one-hot codes or n-grams, not the codes themselves.
    /// </summary>
    private const double SparseStandardizedShare = 0.5;

    private readonly FeatureStandardizer? _standardizer;
    private readonly RobustFeatureScaling? _robust;

    private InputScalingPlan(FeatureStandardizer? standardizer, RobustFeatureScaling? robust)
    {
        _standardizer = standardizer;
        _robust = robust;
    }

    /// <summary>
    /// The plan for training on <paramref name="training"/>. Continuing from a model with a robust input stage keeps
    /// that stage (the networks were trained behind it); robust scaling cannot reach a folded network, so continuing
    /// from one without a stage, or features that arrive sparse (whose zeros the stage would move), standardise instead.
    /// Robust scaling measures its quantiles on up to <paramref name="numberOfThreads"/> threads.
    /// </summary>
    public static InputScalingPlan Create(FeatureScalingKind scaling, TrainingData training, bool arrivedSparse, MlpModelParameters? initial,
        IChannel channel, string featureColumn, int numberOfThreads)
    {
        if (initial?.InputScaling is { } stage)
            return new InputScalingPlan(null, stage);
        if (scaling == FeatureScalingKind.Robust && (arrivedSparse || initial is not null))
        {
            channel.Info($"FeatureScaling is Robust, but {(arrivedSparse ? $"feature column '{featureColumn}' arrives sparse" : "the model continued from has no robust input stage")}: " +
                "standardising instead.");
            scaling = FeatureScalingKind.Standardize;
        }
        switch (scaling)
        {
            case FeatureScalingKind.Robust:
                return new InputScalingPlan(null, RobustFeatureScaling.Fit(training.Features, training.FeatureCount, training.ExampleCount, training.ExampleWeights,
                    numberOfThreads));
            case FeatureScalingKind.Standardize:
                var standardizer = FeatureStandardizer.Fit(training.Features, training.FeatureCount, training.ExampleCount, training.ExampleWeights,
                    minimumNonZeroShare: arrivedSparse ? SparseStandardizedShare : 0);
                if (arrivedSparse)
                {
                    channel.Info($"Feature column '{featureColumn}' arrives sparse: standardised only the {training.FeatureCount - standardizer.RareFeatureCount} " +
                        $"of its {training.FeatureCount} features that are non-zero in at least {SparseStandardizedShare:P0} of the rows; the rest are left as they are.");
                }
                return new InputScalingPlan(standardizer, null);
            default:
                return new InputScalingPlan(null, null);
        }
    }

    /// <summary>Scales the rows of <paramref name="data"/> in place (they are our own copies).</summary>
    public void Apply(TrainingData data)
    {
        _standardizer?.StandardizeInPlace(data.Features, data.ExampleCount);
        _robust?.ApplyInPlace(data.Features, data.ExampleCount);
    }

    /// <summary>A network of the model continued from, taking the scaled features this plan produces.</summary>
    public MlpNetwork ToTrainingSpace(MlpNetwork member) =>
        _standardizer?.ToStandardizedSpace(member) ?? member.WithInputScaling(null);

    /// <summary>A trained network as the model keeps it: taking the raw features.</summary>
    public MlpNetwork ToModelSpace(MlpNetwork trained) =>
        _standardizer?.ToRawSpace(trained) ?? trained.WithInputScaling(_robust);
}
