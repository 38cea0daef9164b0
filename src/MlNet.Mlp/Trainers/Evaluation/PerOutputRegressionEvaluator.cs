using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace MlNet.Mlp.Trainers;

/// <summary>
/// Evaluates a vector label against a vector score, output by output, with ML.NET's own regression evaluator (so each
/// output's metrics are exactly those of <c>mlContext.Regression.Evaluate</c> on it: a NaN label entry is left out of
/// that output's metrics, as ML.NET leaves out an unlabelled row).
/// </summary>
internal static class PerOutputRegressionEvaluator
{
    public static MultiOutputRegressionMetrics Evaluate(IHostEnvironment env, IDataView data, string labelColumnName, string scoreColumnName)
    {
        IHost host = env.Register(nameof(PerOutputRegressionEvaluator));
        (float[][] values, int rows, int size) = VectorColumns.Read(host, data,
            new VectorColumn(labelColumnName, NumberDataViewType.Single, "label"),
            new VectorColumn(scoreColumnName, NumberDataViewType.Single, "score"));
        float[] labels = values[0], scores = values[1];
        var evaluator = new RegressionEvaluator(host, new RegressionEvaluator.Arguments());
        var perOutput = new RegressionMetrics[size];
        var label = new float[rows];
        var score = new float[rows];
        for (int j = 0; j < size; j++)
        {
            for (int row = 0; row < rows; row++)
            {
                label[row] = labels[row * size + j];
                score[row] = scores[row * size + j];
            }
            var builder = new ArrayDataViewBuilder(host);
            builder.AddColumn(DefaultColumnNames.Label, NumberDataViewType.Single, label);
            builder.AddColumn(DefaultColumnNames.Score, NumberDataViewType.Single, score);
            perOutput[j] = evaluator.Evaluate(builder.GetDataView(), DefaultColumnNames.Label, DefaultColumnNames.Score);
        }
        return new MultiOutputRegressionMetrics(perOutput);
    }
}
