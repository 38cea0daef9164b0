using MlNet.Mlp;
using MlNet.Mlp.Engine;
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

    /// <summary>Creates an <see cref="MlpBinaryTrainer"/>: a multilayer perceptron with one sigmoid output.</summary>
    /// <param name="catalog">The binary classification trainers catalog.</param>
    /// <param name="labelColumnName">The Boolean label column. Default <c>"Label"</c>.</param>
    /// <param name="featureColumnName">The feature column, a known-size vector of Single. Default <c>"Features"</c>.</param>
    /// <param name="exampleWeightColumnName">The optional example-weight column. Default null.</param>
    /// <param name="hiddenLayerSizes">Units per hidden layer; null for the default [100].</param>
    /// <param name="numberOfIterations">Maximum epochs. Default 200.</param>
    /// <param name="learningRate">The learning rate. Default 0.003 (AdamW).</param>
    public static MlpBinaryTrainer Mlp(this BinaryClassificationCatalog.BinaryClassificationTrainers catalog,
        string labelColumnName = "Label",
        string featureColumnName = "Features",
        string? exampleWeightColumnName = null,
        int[]? hiddenLayerSizes = null,
        int numberOfIterations = TrainingDefaults.NumberOfIterations,
        float learningRate = TrainingDefaults.LearningRate)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new MlpBinaryTrainer(catalog.GetEnvironment(),
            WithCommonArguments(new MlpBinaryTrainer.Options(), labelColumnName, featureColumnName, exampleWeightColumnName, hiddenLayerSizes, numberOfIterations, learningRate));
    }

    /// <summary>Creates an <see cref="MlpBinaryTrainer"/> with the given options.</summary>
    public static MlpBinaryTrainer Mlp(this BinaryClassificationCatalog.BinaryClassificationTrainers catalog, MlpBinaryTrainer.Options options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        return new MlpBinaryTrainer(catalog.GetEnvironment(), options);
    }

    /// <summary>Creates an <see cref="MlpMulticlassTrainer"/>: a multilayer perceptron with a softmax output per class.</summary>
    /// <param name="catalog">The multiclass classification trainers catalog.</param>
    /// <param name="labelColumnName">The key-typed label column. Default <c>"Label"</c>.</param>
    /// <param name="featureColumnName">The feature column, a known-size vector of Single. Default <c>"Features"</c>.</param>
    /// <param name="exampleWeightColumnName">The optional example-weight column. Default null.</param>
    /// <param name="hiddenLayerSizes">Units per hidden layer; null for the default [100].</param>
    /// <param name="numberOfIterations">Maximum epochs. Default 200.</param>
    /// <param name="learningRate">The learning rate. Default 0.003 (AdamW).</param>
    public static MlpMulticlassTrainer Mlp(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        string labelColumnName = "Label",
        string featureColumnName = "Features",
        string? exampleWeightColumnName = null,
        int[]? hiddenLayerSizes = null,
        int numberOfIterations = TrainingDefaults.NumberOfIterations,
        float learningRate = TrainingDefaults.LearningRate)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new MlpMulticlassTrainer(catalog.GetEnvironment(),
            WithCommonArguments(new MlpMulticlassTrainer.Options(), labelColumnName, featureColumnName, exampleWeightColumnName, hiddenLayerSizes, numberOfIterations, learningRate));
    }

    /// <summary>Creates an <see cref="MlpMulticlassTrainer"/> with the given options.</summary>
    public static MlpMulticlassTrainer Mlp(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog, MlpMulticlassTrainer.Options options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        return new MlpMulticlassTrainer(catalog.GetEnvironment(), options);
    }

    /// <summary>Creates an <see cref="MlpRegressionTrainer"/>: a multilayer perceptron with one identity output.</summary>
    /// <param name="catalog">The regression trainers catalog.</param>
    /// <param name="labelColumnName">The Single label column. Default <c>"Label"</c>.</param>
    /// <param name="featureColumnName">The feature column, a known-size vector of Single. Default <c>"Features"</c>.</param>
    /// <param name="exampleWeightColumnName">The optional example-weight column. Default null.</param>
    /// <param name="hiddenLayerSizes">Units per hidden layer; null for the default [100].</param>
    /// <param name="numberOfIterations">Maximum epochs. Default 200.</param>
    /// <param name="learningRate">The learning rate. Default 0.003 (AdamW).</param>
    public static MlpRegressionTrainer Mlp(this RegressionCatalog.RegressionTrainers catalog,
        string labelColumnName = "Label",
        string featureColumnName = "Features",
        string? exampleWeightColumnName = null,
        int[]? hiddenLayerSizes = null,
        int numberOfIterations = TrainingDefaults.NumberOfIterations,
        float learningRate = TrainingDefaults.LearningRate)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new MlpRegressionTrainer(catalog.GetEnvironment(),
            WithCommonArguments(new MlpRegressionTrainer.Options(), labelColumnName, featureColumnName, exampleWeightColumnName, hiddenLayerSizes, numberOfIterations, learningRate));
    }

    /// <summary>Creates an <see cref="MlpRegressionTrainer"/> with the given options.</summary>
    public static MlpRegressionTrainer Mlp(this RegressionCatalog.RegressionTrainers catalog, MlpRegressionTrainer.Options options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        return new MlpRegressionTrainer(catalog.GetEnvironment(), options);
    }

    internal static TOptions WithCommonArguments<TOptions>(TOptions options, string labelColumnName, string featureColumnName,
        string? exampleWeightColumnName, int[]? hiddenLayerSizes, int numberOfIterations, float learningRate)
        where TOptions : MlpOptionsBase
    {
        options.LabelColumnName = labelColumnName;
        options.FeatureColumnName = featureColumnName;
        options.ExampleWeightColumnName = exampleWeightColumnName;
        options.HiddenLayerSizes = hiddenLayerSizes ?? options.HiddenLayerSizes;
        options.NumberOfIterations = numberOfIterations;
        options.LearningRate = learningRate;
        return options;
    }
}
