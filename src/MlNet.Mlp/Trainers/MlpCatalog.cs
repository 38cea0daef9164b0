using MlNet.Mlp;
using MlNet.Mlp.Trainers;
using Microsoft.ML.Data;

namespace Microsoft.ML;

/// <summary>
/// Catalog extensions that create MlNet.Mlp's trainers, e.g.
/// <c>mlContext.BinaryClassification.Trainers.Perceptron()</c>.
/// </summary>
public static class MlpCatalog
{
    /// <summary>Creates a <see cref="PerceptronTrainer"/>: the classic perceptron, y = sign(W·X + b).</summary>
    /// <param name="catalog">The binary classification trainers catalog.</param>
    /// <param name="labelColumnName">The Boolean label column. Default <c>"Label"</c>.</param>
    /// <param name="featureColumnName">The feature column, a known-size vector of Single. Default <c>"Features"</c>.</param>
    /// <param name="exampleWeightColumnName">The optional example-weight column. Default null.</param>
    /// <param name="learningRate">η in W ← W + η(Y − y)X. Default 1.</param>
    /// <param name="numberOfIterations">The maximum number of passes over the data. Default 100.</param>
    public static PerceptronTrainer Perceptron(this BinaryClassificationCatalog.BinaryClassificationTrainers catalog,
        string labelColumnName = "Label",
        string featureColumnName = "Features",
        string? exampleWeightColumnName = null,
        float learningRate = PerceptronDefaults.LearningRate,
        int numberOfIterations = PerceptronDefaults.NumberOfIterations)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new PerceptronTrainer(catalog.GetEnvironment(), new PerceptronTrainer.Options
        {
            LabelColumnName = labelColumnName,
            FeatureColumnName = featureColumnName,
            ExampleWeightColumnName = exampleWeightColumnName,
            LearningRate = learningRate,
            NumberOfIterations = numberOfIterations,
        });
    }

    /// <summary>Creates a <see cref="PerceptronTrainer"/> with the given options.</summary>
    public static PerceptronTrainer Perceptron(this BinaryClassificationCatalog.BinaryClassificationTrainers catalog,
        PerceptronTrainer.Options options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        return new PerceptronTrainer(catalog.GetEnvironment(), options);
    }
}
