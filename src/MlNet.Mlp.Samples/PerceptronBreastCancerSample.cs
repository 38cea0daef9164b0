using Microsoft.ML;

namespace MlNet.Mlp.Samples;

/// <summary>A perceptron in an ML.NET pipeline on the breast cancer data: 5-fold cross-validation.</summary>
internal static class PerceptronBreastCancerSample
{
    public static void Run()
    {
        Console.WriteLine("== 2. Perceptron on breast cancer, 5-fold cross-validation ==");
        var mlContext = new MLContext(seed: 1);
        IDataView data = DataFiles.LoadBreastCancer(mlContext);

        var pipeline = mlContext.Transforms.NormalizeMeanVariance("Features")
            .Append(mlContext.BinaryClassification.Trainers.Perceptron());
        var folds = mlContext.BinaryClassification.CrossValidateNonCalibrated(data, pipeline, numberOfFolds: 5);

        Console.WriteLine("fold  accuracy  AUC     F1");
        foreach (var fold in folds)
            Console.WriteLine($"{fold.Fold,4}  {fold.Metrics.Accuracy,8:F4}  {fold.Metrics.AreaUnderRocCurve:F4}  {fold.Metrics.F1Score:F4}");
        Console.WriteLine($"mean  {folds.Average(f => f.Metrics.Accuracy),8:F4}  {folds.Average(f => f.Metrics.AreaUnderRocCurve):F4}  {folds.Average(f => f.Metrics.F1Score):F4}");
        Console.WriteLine();
    }
}
