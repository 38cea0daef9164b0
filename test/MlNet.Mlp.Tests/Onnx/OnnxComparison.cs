using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;

namespace MlNet.Mlp.Tests.Onnx;

/// <summary>Exports a fitted pipeline to ONNX, scores it with ONNX Runtime, and compares columns with ML.NET's scoring.</summary>
internal static class OnnxComparison
{
    /// <summary>
    /// |ONNX − ML.NET| ≤ RelativeTolerance · max(|ML.NET|, 1): relative for values of magnitude 1 and above, absolute
    /// below, because ONNX Runtime's Gemm sums in another order than ours, which leaves an absolute error of float
    /// round-off on the layer's terms however close to 0 the sum itself lands.
    /// </summary>
    public const double RelativeTolerance = 1e-5;

    public static IDataView ScoreWithOnnxRuntime(MLContext ml, ITransformer model, IDataView data, int? opset = null)
    {
        string path = Path.Combine(Path.GetTempPath(), $"mlnet-mlp-test-{Guid.NewGuid():N}.onnx");
        try
        {
            using (FileStream file = File.Create(path))
            {
                if (opset is int version)
                    ml.Model.ConvertToOnnx(model, data, version, file);
                else
                    ml.Model.ConvertToOnnx(model, data, file);
            }
            // The ONNX session reads the file once, in Fit, so the file can go before the rows are scored.
            return ml.Transforms.ApplyOnnxModel(path).Fit(data).Transform(data);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Asserts that a float column agrees row by row within the tolerance; returns a line on the largest differences.</summary>
    public static string AssertScoresAgree(IDataView expected, IDataView actual, string column)
    {
        float[] want = Floats(expected, column), got = Floats(actual, column);
        Assert.Equal(want.Length, got.Length);
        double worstScaled = 0, worstRelative = 0;
        for (int i = 0; i < want.Length; i++)
        {
            double difference = Math.Abs((double)got[i] - want[i]);
            double scaled = difference / Math.Max(Math.Abs((double)want[i]), 1.0);
            Assert.True(scaled <= RelativeTolerance, $"{column}[{i}]: ONNX {got[i]:R}, ML.NET {want[i]:R}");
            worstScaled = Math.Max(worstScaled, scaled);
            if (want[i] != 0)
                worstRelative = Math.Max(worstRelative, difference / Math.Abs(want[i]));
        }
        return $"{want.Length} values, largest difference {worstScaled:E1} scaled, {worstRelative:E1} relative";
    }

    /// <summary>Asserts that a label column is identical row by row, whatever its type.</summary>
    public static string AssertLabelsIdentical(IDataView expected, IDataView actual, string column)
    {
        string[] want = Labels(expected, column), got = Labels(actual, column);
        Assert.Equal(want, got);
        return $"{want.Length} labels identical ({want.Distinct().Count()} distinct)";
    }

    private static float[] Floats(IDataView data, string column) =>
        data.Schema[column].Type is VectorDataViewType
            ? data.GetColumn<float[]>(column).SelectMany(v => v).ToArray()
            : data.GetColumn<float>(column).ToArray();

    /// <summary>Labels as text, whatever their type: Boolean, key (UInt32) or the values MapKeyToValue restores.</summary>
    private static string[] Labels(IDataView data, string column)
    {
        DataViewType type = data.Schema[column].Type;
        DataViewType item = (type as VectorDataViewType)?.ItemType ?? type;
        bool vector = type is VectorDataViewType;
        return item switch
        {
            BooleanDataViewType => vector ? Flatten<bool>(data, column) : Scalars<bool>(data, column),
            KeyDataViewType or NumberDataViewType when item.RawType == typeof(uint) => vector ? Flatten<uint>(data, column) : Scalars<uint>(data, column),
            NumberDataViewType when item.RawType == typeof(float) => vector ? Flatten<float>(data, column) : Scalars<float>(data, column),
            TextDataViewType => vector ? Flatten<string>(data, column) : Scalars<string>(data, column),
            _ => throw new InvalidOperationException($"Column {column} has an unexpected type {type}."),
        };
    }

    private static string[] Scalars<T>(IDataView data, string column) => data.GetColumn<T>(column).Select(v => $"{v}").ToArray();

    private static string[] Flatten<T>(IDataView data, string column) => data.GetColumn<T[]>(column).SelectMany(v => v).Select(v => $"{v}").ToArray();
}
