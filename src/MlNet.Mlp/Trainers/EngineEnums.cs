using MlNet.Mlp.Engine;

namespace MlNet.Mlp.Trainers;

/// <summary>
/// The one mapping between the public option enums and the engine's enums. Every member is listed: a member added to
/// one side without the other fails here (and in the round-trip test) instead of landing on a neighbour's value.
/// </summary>
internal static class EngineEnums
{
    public static Activation ToEngine(MlpActivation activation) => activation switch
    {
        MlpActivation.Identity => Activation.Identity,
        MlpActivation.Sigmoid => Activation.Sigmoid,
        MlpActivation.Tanh => Activation.Tanh,
        MlpActivation.Relu => Activation.Relu,
        MlpActivation.HardTanh => Activation.HardTanh,
        _ => throw Unknown(activation),
    };

    /// <summary>The public name of a hidden layer's activation (softmax is an output activation and has none).</summary>
    public static MlpActivation ToPublic(Activation activation) => activation switch
    {
        Activation.Identity => MlpActivation.Identity,
        Activation.Sigmoid => MlpActivation.Sigmoid,
        Activation.Tanh => MlpActivation.Tanh,
        Activation.Relu => MlpActivation.Relu,
        Activation.HardTanh => MlpActivation.HardTanh,
        _ => throw Unknown(activation),
    };

    public static OptimizerKind ToEngine(MlpOptimizer optimizer) => optimizer switch
    {
        MlpOptimizer.Sgd => OptimizerKind.Sgd,
        MlpOptimizer.Adam => OptimizerKind.Adam,
        MlpOptimizer.AdamW => OptimizerKind.AdamW,
        MlpOptimizer.Lbfgs => OptimizerKind.Lbfgs,
        _ => throw Unknown(optimizer),
    };

    public static MlpOptimizer ToPublic(OptimizerKind optimizer) => optimizer switch
    {
        OptimizerKind.Sgd => MlpOptimizer.Sgd,
        OptimizerKind.Adam => MlpOptimizer.Adam,
        OptimizerKind.AdamW => MlpOptimizer.AdamW,
        OptimizerKind.Lbfgs => MlpOptimizer.Lbfgs,
        _ => throw Unknown(optimizer),
    };

    public static LearningRateScheduleKind ToEngine(MlpLearningRateSchedule schedule) => schedule switch
    {
        MlpLearningRateSchedule.Constant => LearningRateScheduleKind.Constant,
        MlpLearningRateSchedule.ReduceOnPlateau => LearningRateScheduleKind.ReduceOnPlateau,
        MlpLearningRateSchedule.Cosine => LearningRateScheduleKind.Cosine,
        _ => throw Unknown(schedule),
    };

    public static MlpLearningRateSchedule ToPublic(LearningRateScheduleKind schedule) => schedule switch
    {
        LearningRateScheduleKind.Constant => MlpLearningRateSchedule.Constant,
        LearningRateScheduleKind.ReduceOnPlateau => MlpLearningRateSchedule.ReduceOnPlateau,
        LearningRateScheduleKind.Cosine => MlpLearningRateSchedule.Cosine,
        _ => throw Unknown(schedule),
    };

    public static EarlyStoppingMetric ToEngine(MlpEarlyStoppingMetric metric) => metric switch
    {
        MlpEarlyStoppingMetric.Loss => EarlyStoppingMetric.Loss,
        MlpEarlyStoppingMetric.Accuracy => EarlyStoppingMetric.Accuracy,
        _ => throw Unknown(metric),
    };

    public static MlpEarlyStoppingMetric ToPublic(EarlyStoppingMetric metric) => metric switch
    {
        EarlyStoppingMetric.Loss => MlpEarlyStoppingMetric.Loss,
        EarlyStoppingMetric.Accuracy => MlpEarlyStoppingMetric.Accuracy,
        _ => throw Unknown(metric),
    };

    public static FeatureScalingKind ToEngine(MlpFeatureScaling scaling) => scaling switch
    {
        MlpFeatureScaling.None => FeatureScalingKind.None,
        MlpFeatureScaling.Standardize => FeatureScalingKind.Standardize,
        MlpFeatureScaling.Robust => FeatureScalingKind.Robust,
        _ => throw Unknown(scaling),
    };

    public static MlpFeatureScaling ToPublic(FeatureScalingKind scaling) => scaling switch
    {
        FeatureScalingKind.None => MlpFeatureScaling.None,
        FeatureScalingKind.Standardize => MlpFeatureScaling.Standardize,
        FeatureScalingKind.Robust => MlpFeatureScaling.Robust,
        _ => throw Unknown(scaling),
    };

    private static ArgumentOutOfRangeException Unknown<TEnum>(TEnum value) where TEnum : struct, Enum =>
        new(typeof(TEnum).Name, value, $"{typeof(TEnum).Name} has no member {value}; it must be one of {string.Join(", ", Enum.GetNames<TEnum>())}.");
}
