using MlNet.Mlp.Engine;
using MlNet.Mlp;
using MlNet.Mlp.Trainers;
using Microsoft.ML.Data;

namespace Microsoft.ML;

/// <summary>
/// Catalog extensions for MLPs with a vector of outputs: the multi-output regression and multi-label trainers, and
/// their evaluation and cross-validation (ML.NET's evaluators take only scalar labels).
/// </summary>
public static class MlpMultiOutputCatalog
{
    /// <summary>Creates an <see cref="MlpMultiOutputRegressionTrainer"/>: a multilayer perceptron with one identity output per label entry.</summary>
    /// <param name="catalog">The regression trainers catalog.</param>
    /// <param name="labelColumnName">The label column, a known-size vector of Single. Default <c>"Label"</c>.</param>
    /// <param name="featureColumnName">The feature column, a known-size vector of Single. Default <c>"Features"</c>.</param>
    /// <param name="exampleWeightColumnName">The optional example-weight column. Default null.</param>
    /// <param name="hiddenLayerSizes">Units per hidden layer; null for the default [100].</param>
    /// <param name="numberOfIterations">Maximum epochs. Default 200.</param>
    /// <param name="learningRate">The learning rate. Default 0.003 (AdamW).</param>
    public static MlpMultiOutputRegressionTrainer MlpMultiOutput(this RegressionCatalog.RegressionTrainers catalog,
        string labelColumnName = "Label",
        string featureColumnName = "Features",
        string? exampleWeightColumnName = null,
        int[]? hiddenLayerSizes = null,
        int numberOfIterations = TrainingDefaults.NumberOfIterations,
        float learningRate = TrainingDefaults.LearningRate)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new MlpMultiOutputRegressionTrainer(catalog.GetEnvironment(), MlpCatalog.WithCommonArguments(new MlpMultiOutputRegressionTrainer.Options(),
            labelColumnName, featureColumnName, exampleWeightColumnName, hiddenLayerSizes, numberOfIterations, learningRate));
    }

    /// <summary>Creates an <see cref="MlpMultiOutputRegressionTrainer"/> with the given options.</summary>
    public static MlpMultiOutputRegressionTrainer MlpMultiOutput(this RegressionCatalog.RegressionTrainers catalog,
        MlpMultiOutputRegressionTrainer.Options options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        return new MlpMultiOutputRegressionTrainer(catalog.GetEnvironment(), options);
    }

    /// <summary>Creates an <see cref="MlpMultiLabelTrainer"/>: a multilayer perceptron with one sigmoid output per label entry.</summary>
    /// <param name="catalog">The binary classification trainers catalog.</param>
    /// <param name="labelColumnName">The label column, a known-size vector of Boolean. Default <c>"Label"</c>.</param>
    /// <param name="featureColumnName">The feature column, a known-size vector of Single. Default <c>"Features"</c>.</param>
    /// <param name="exampleWeightColumnName">The optional example-weight column. Default null.</param>
    /// <param name="hiddenLayerSizes">Units per hidden layer; null for the default [100].</param>
    /// <param name="numberOfIterations">Maximum epochs. Default 200.</param>
    /// <param name="learningRate">The learning rate. Default 0.003 (AdamW).</param>
    public static MlpMultiLabelTrainer MlpMultiLabel(this BinaryClassificationCatalog.BinaryClassificationTrainers catalog,
        string labelColumnName = "Label",
        string featureColumnName = "Features",
        string? exampleWeightColumnName = null,
        int[]? hiddenLayerSizes = null,
        int numberOfIterations = TrainingDefaults.NumberOfIterations,
        float learningRate = TrainingDefaults.LearningRate)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new MlpMultiLabelTrainer(catalog.GetEnvironment(), MlpCatalog.WithCommonArguments(new MlpMultiLabelTrainer.Options(),
            labelColumnName, featureColumnName, exampleWeightColumnName, hiddenLayerSizes, numberOfIterations, learningRate));
    }

    /// <summary>Creates an <see cref="MlpMultiLabelTrainer"/> with the given options.</summary>
    public static MlpMultiLabelTrainer MlpMultiLabel(this BinaryClassificationCatalog.BinaryClassificationTrainers catalog,
        MlpMultiLabelTrainer.Options options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        return new MlpMultiLabelTrainer(catalog.GetEnvironment(), options);
    }

    /// <summary>
    /// Evaluates multi-output regression scores: ML.NET's regression metrics for each output (label entry j against
    /// score entry j) and their averages over the outputs.
    /// </summary>
    /// <param name="catalog">The regression catalog.</param>
    /// <param name="data">Scored data, e.g. the output of a model's <c>Transform</c>.</param>
    /// <param name="labelColumnName">The label column, a known-size vector of Single. Default <c>"Label"</c>.</param>
    /// <param name="scoreColumnName">The score column, a vector of Single of the label's size. Default <c>"Score"</c>.</param>
    public static MultiOutputRegressionMetrics EvaluateMultiOutput(this RegressionCatalog catalog, IDataView data,
        string labelColumnName = DefaultColumnNames.Label, string scoreColumnName = DefaultColumnNames.Score)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return PerOutputRegressionEvaluator.Evaluate(catalog.GetEnvironment(), data, labelColumnName, scoreColumnName);
    }

    /// <summary>
    /// Evaluates multi-label predictions: per label accuracy, AUC and F1; Hamming loss, subset accuracy, micro- and
    /// macro-F1.
    /// </summary>
    /// <param name="catalog">The binary classification catalog.</param>
    /// <param name="data">Scored data, e.g. the output of a model's <c>Transform</c>.</param>
    /// <param name="labelColumnName">The label column, a known-size vector of Boolean. Default <c>"Label"</c>.</param>
    /// <param name="probabilityColumnName">The probability column, a vector of Single of the label's size. Default <c>"Probability"</c>.</param>
    /// <param name="predictedLabelColumnName">The predicted label column, a vector of Boolean of the label's size. Default <c>"PredictedLabel"</c>.</param>
    public static MultiLabelClassificationMetrics EvaluateMultiLabel(this BinaryClassificationCatalog catalog, IDataView data,
        string labelColumnName = DefaultColumnNames.Label, string probabilityColumnName = DefaultColumnNames.Probability,
        string predictedLabelColumnName = DefaultColumnNames.PredictedLabel)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return MultiLabelEvaluator.Evaluate(catalog.GetEnvironment(), data, labelColumnName, probabilityColumnName, predictedLabelColumnName);
    }

    /// <summary>
    /// k-fold cross-validation of a multi-output regression pipeline, with the folds ML.NET's <c>CrossValidate</c> makes
    /// for the same seed: per fold, the model, its scores on the held-out fold and their <see cref="MultiOutputRegressionMetrics"/>.
    /// </summary>
    /// <param name="catalog">The regression catalog.</param>
    /// <param name="data">The data to split into folds.</param>
    /// <param name="estimator">The pipeline to fit on each fold's training part.</param>
    /// <param name="numberOfFolds">The number of folds, at least 2. Default 5.</param>
    /// <param name="labelColumnName">The label column for the evaluation. Default <c>"Label"</c>.</param>
    /// <param name="samplingKeyColumnName">Rows with the same value in this column stay in the same fold; null for none.</param>
    /// <param name="seed">The seed of the fold assignment; null takes one from the MLContext.</param>
    public static IReadOnlyList<TrainCatalogBase.CrossValidationResult<MultiOutputRegressionMetrics>> CrossValidateMultiOutput(
        this RegressionCatalog catalog, IDataView data, IEstimator<ITransformer> estimator, int numberOfFolds = 5,
        string labelColumnName = DefaultColumnNames.Label, string? samplingKeyColumnName = null, int? seed = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return FoldCrossValidation.Run(catalog.GetEnvironment(), data, estimator, numberOfFolds, samplingKeyColumnName, seed,
            scored => catalog.EvaluateMultiOutput(scored, labelColumnName));
    }

    /// <summary>
    /// k-fold cross-validation of a multi-label pipeline, with the folds ML.NET's <c>CrossValidate</c> makes for the
    /// same seed: per fold, the model, its scores on the held-out fold and their <see cref="MultiLabelClassificationMetrics"/>.
    /// </summary>
    /// <param name="catalog">The binary classification catalog.</param>
    /// <param name="data">The data to split into folds.</param>
    /// <param name="estimator">The pipeline to fit on each fold's training part.</param>
    /// <param name="numberOfFolds">The number of folds, at least 2. Default 5.</param>
    /// <param name="labelColumnName">The label column for the evaluation. Default <c>"Label"</c>.</param>
    /// <param name="samplingKeyColumnName">Rows with the same value in this column stay in the same fold; null for none.</param>
    /// <param name="seed">The seed of the fold assignment; null takes one from the MLContext.</param>
    public static IReadOnlyList<TrainCatalogBase.CrossValidationResult<MultiLabelClassificationMetrics>> CrossValidateMultiLabel(
        this BinaryClassificationCatalog catalog, IDataView data, IEstimator<ITransformer> estimator, int numberOfFolds = 5,
        string labelColumnName = DefaultColumnNames.Label, string? samplingKeyColumnName = null, int? seed = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return FoldCrossValidation.Run(catalog.GetEnvironment(), data, estimator, numberOfFolds, samplingKeyColumnName, seed,
            scored => catalog.EvaluateMultiLabel(scored, labelColumnName));
    }
}
