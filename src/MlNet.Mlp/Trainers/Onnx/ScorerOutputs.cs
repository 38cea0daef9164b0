namespace MlNet.Mlp.Trainers.Onnx;

/// <summary>
/// Which of the tensor names an ML.NET scorer passes to <c>ISingleCanSaveOnnx.SaveAsOnnx</c> a model must write.
/// The binary scorer passes [PredictedLabel, Score] ([PredictedLabel, Score, Probability] for a model with its own
/// probability) and writes PredictedLabel itself from Score; a calibrated model asks its inner model for [Score]
/// alone; the multiclass scorer passes [PredictedLabel, Score] and leaves both to the model; regression passes [Score].
/// </summary>
internal static class ScorerOutputs
{
    public static string BinaryScore(string[] names) => names.Length >= 2 ? names[1] : names[0];

    public static string? BinaryProbability(string[] names) => names.Length >= 3 ? names[2] : null;

    public static (string PredictedLabel, string Score) Multiclass(string[] names) => (names[0], names[1]);

    public static string RegressionScore(string[] names) => names[0];
}
