using MlNet.Mlp.Engine;
using MlNet.Mlp.Trainers;
using Xunit;

namespace MlNet.Mlp.Tests.Trainers;

/// <summary>
/// Enum values are saved in model files (activations, stop reasons) or cross between the public options and the
/// engine: these tests pin every value, and check that the one mapping between the two sides covers every member.
/// </summary>
public class EnumMappingTests
{
    [Fact]
    public void SavedAndSharedEnumValuesArePinned()
    {
        AssertValues<Activation>(("Identity", 0), ("Sigmoid", 1), ("Tanh", 2), ("Relu", 3), ("HardTanh", 4), ("Softmax", 5));
        AssertValues<StopReason>(("MaxEpochs", 0), ("EarlyStopping", 1), ("TargetLossReached", 2), ("Converged", 3), ("FunctionEvaluationLimit", 4));
        AssertValues<LossFunction>(("SquaredError", 0), ("SoftmaxCrossEntropy", 1), ("SigmoidCrossEntropy", 2), ("Perceptron", 3));
        AssertValues<OptimizerKind>(("Sgd", 0), ("Adam", 1), ("AdamW", 2), ("Lbfgs", 3));
        AssertValues<LearningRateScheduleKind>(("Constant", 0), ("ReduceOnPlateau", 1), ("Cosine", 2));
        AssertValues<EarlyStoppingMetric>(("Loss", 0), ("Accuracy", 1));
        AssertValues<MlpActivation>(("Identity", 0), ("Sigmoid", 1), ("Tanh", 2), ("Relu", 3), ("HardTanh", 4));
        AssertValues<MlpOptimizer>(("Sgd", 0), ("Adam", 1), ("AdamW", 2), ("Lbfgs", 3));
        AssertValues<MlpLoss>(("CrossEntropy", 0), ("SquaredError", 1));
        AssertValues<MlpLearningRateSchedule>(("Constant", 0), ("ReduceOnPlateau", 1), ("Cosine", 2));
        AssertValues<MlpEarlyStoppingMetric>(("Loss", 0), ("Accuracy", 1));
        AssertValues<MlpClassWeighting>(("None", 0), ("Balanced", 1));
        AssertValues<FeatureScalingKind>(("None", 0), ("Standardize", 1), ("Robust", 2));
        AssertValues<MlpFeatureScaling>(("None", 0), ("Standardize", 1), ("Robust", 2));
    }

    [Fact]
    public void EveryPublicMemberMapsToTheEngineMemberOfTheSameNameAndBack()
    {
        RoundTrip<MlpActivation, Activation>(EngineEnums.ToEngine, EngineEnums.ToPublic);
        RoundTrip<MlpOptimizer, OptimizerKind>(EngineEnums.ToEngine, EngineEnums.ToPublic);
        RoundTrip<MlpLearningRateSchedule, LearningRateScheduleKind>(EngineEnums.ToEngine, EngineEnums.ToPublic);
        RoundTrip<MlpEarlyStoppingMetric, EarlyStoppingMetric>(EngineEnums.ToEngine, EngineEnums.ToPublic);
        RoundTrip<MlpFeatureScaling, FeatureScalingKind>(EngineEnums.ToEngine, EngineEnums.ToPublic);
    }

    [Fact]
    public void EveryEngineMemberWithAPublicCounterpartMapsBack()
    {
        // Softmax is an output activation: no hidden layer has it, so it has no public name.
        Assert.All(Enum.GetValues<Activation>().Where(a => a != Activation.Softmax), a => Assert.Equal(a.ToString(), EngineEnums.ToPublic(a).ToString()));
        Assert.Throws<ArgumentOutOfRangeException>(() => EngineEnums.ToPublic(Activation.Softmax));
        Assert.All(Enum.GetValues<OptimizerKind>(), o => Assert.Equal(o.ToString(), EngineEnums.ToPublic(o).ToString()));
        Assert.All(Enum.GetValues<LearningRateScheduleKind>(), s => Assert.Equal(s.ToString(), EngineEnums.ToPublic(s).ToString()));
        Assert.All(Enum.GetValues<EarlyStoppingMetric>(), m => Assert.Equal(m.ToString(), EngineEnums.ToPublic(m).ToString()));
    }

    [Fact]
    public void AnUndefinedValueIsRejectedNotMappedOntoANeighbour()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => EngineEnums.ToEngine((MlpActivation)5));
        Assert.Contains("MlpActivation", error.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => EngineEnums.ToEngine((MlpOptimizer)99));
    }

    private static void AssertValues<TEnum>(params (string Name, int Value)[] expected) where TEnum : struct, Enum
    {
        Assert.Equal(expected.Select(e => e.Name), Enum.GetNames<TEnum>());
        foreach (var (name, value) in expected)
            Assert.Equal(value, Convert.ToInt32(Enum.Parse<TEnum>(name)));
    }

    private static void RoundTrip<TPublic, TEngine>(Func<TPublic, TEngine> toEngine, Func<TEngine, TPublic> toPublic)
        where TPublic : struct, Enum where TEngine : struct, Enum
    {
        foreach (TPublic value in Enum.GetValues<TPublic>())
        {
            TEngine engine = toEngine(value);
            Assert.Equal(value.ToString(), engine.ToString());
            Assert.Equal(value, toPublic(engine));
        }
    }
}
