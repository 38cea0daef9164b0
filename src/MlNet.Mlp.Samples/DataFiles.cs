using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNet.Mlp.Samples;

/// <summary>The data sets shipped in the repository's data/ folder (copied next to the app at build time).</summary>
internal static class DataFiles
{
    public static string PathOf(string fileName) => Path.Combine(AppContext.BaseDirectory, "data", fileName);

    /// <summary>Breast cancer (569 rows): a Boolean Label (true = benign) and 30 features as one vector.</summary>
    public static IDataView LoadBreastCancer(MLContext mlContext) =>
        mlContext.Data.LoadFromTextFile(PathOf("breast_cancer.csv"), new TextLoader.Options
        {
            Separators = [','],
            HasHeader = true,
            Columns =
            [
                new TextLoader.Column("Features", DataKind.Single, 0, 29),
                new TextLoader.Column("Label", DataKind.Boolean, 30),
            ],
        });
}
