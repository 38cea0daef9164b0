using System.Runtime.CompilerServices;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace MlNet.Mlp.Trainers;

/// <summary>
/// k-fold cross-validation with ML.NET's own fold assignment (the same folds as its <c>CrossValidate</c> for the same
/// seed and sampling key), scored and evaluated per fold by a caller-given evaluator. ML.NET's fold loop is not
/// reachable from outside its catalogs, so its few lines are repeated here around its split functions.
/// </summary>
internal static class FoldCrossValidation
{
    public static IReadOnlyList<TrainCatalogBase.CrossValidationResult<TMetrics>> Run<TMetrics>(IHostEnvironment env, IDataView data,
        IEstimator<ITransformer> estimator, int numberOfFolds, string? samplingKeyColumnName, int? seed, Func<IDataView, TMetrics> evaluate)
        where TMetrics : class
    {
        env.CheckValue(data, nameof(data));
        env.CheckValue(estimator, nameof(estimator));
        if (numberOfFolds < 2)
            throw env.ExceptParam(nameof(numberOfFolds), $"numberOfFolds must be at least 2, but is {numberOfFolds}.");
        string splitColumn = DataOperationsCatalog.CreateSplitColumn(env, ref data, samplingKeyColumnName, seed, fallbackInEnvSeed: true);
        var results = new List<TrainCatalogBase.CrossValidationResult<TMetrics>>(numberOfFolds);
        foreach (DataOperationsCatalog.TrainTestData split in DataOperationsCatalog.CrossValidationSplit(env, data, splitColumn, numberOfFolds))
        {
            ITransformer model = estimator.Fit(split.TrainSet);
            IDataView scored = ScoreEverything(model, split.TestSet);
            results.Add(new TrainCatalogBase.CrossValidationResult<TMetrics>(model, evaluate(scored), scored, results.Count));
        }
        return results;
    }

    /// <summary>As ML.NET's cross-validation: a chain of transformers applies all of them, those scoped to training too.</summary>
    private static IDataView ScoreEverything(ITransformer model, IDataView test)
    {
        for (Type? type = model.GetType(); type is not null; type = type.BaseType)
        {
            if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(TransformerChain<>))
                return Unsafe.As<TransformerChain<ITransformer>>(model).Transform(test, TransformerScope.Everything);
        }
        return model.Transform(test);
    }
}
