using System.Globalization;

namespace MlNet.Mlp.Benchmarks.Panel;

/// <summary>The kind of label a panel data set has, which decides the trainers and the metric.</summary>
public enum PanelTask
{
    Binary,
    Multiclass,
    Regression,
}

/// <summary>
/// One data set of the accuracy panel: a feature matrix, a label per row and, for cross-validation, the fold (0–4) of
/// every row, or for a fixed split, which rows are for testing. Read from the CSV files that build/bench/panel.py
/// prepares: a header line, features, then the label (classes as 0-based integers) as the last column.
/// </summary>
public sealed class PanelDataSet
{
    private PanelDataSet(string name, PanelTask task, float[][] features, float[] labels, int[] folds)
    {
        Name = name;
        Task = task;
        Features = features;
        Labels = labels;
        Folds = folds;
    }

    public string Name { get; }
    public PanelTask Task { get; }
    public float[][] Features { get; }
    public float[] Labels { get; }

    /// <summary>The fold of each row (0 … FoldCount − 1); a fixed train/test split has folds 0 (test) and 1 (train).</summary>
    public int[] Folds { get; }

    public int FeatureCount => Features[0].Length;
    public int FoldCount => Folds.Max() + 1;

    /// <summary>True when <see cref="Folds"/> is a fixed split: fold 0 is the test set, and only it is evaluated.</summary>
    public bool IsFixedSplit { get; private init; }

    public static PanelDataSet Read(string name, PanelTask task, string csvPath, string foldsPath, bool fixedSplit)
    {
        var features = new List<float[]>();
        var labels = new List<float>();
        foreach (string line in File.ReadLines(csvPath).Skip(1))
        {
            if (line.Length == 0)
                continue;
            string[] cells = line.Split(',');
            float[] row = new float[cells.Length - 1];
            for (int i = 0; i < row.Length; i++)
                row[i] = float.Parse(cells[i], CultureInfo.InvariantCulture);
            features.Add(row);
            labels.Add(float.Parse(cells[^1], CultureInfo.InvariantCulture));
        }
        int[] folds = File.ReadLines(foldsPath).Where(l => l.Length > 0).Select(l => int.Parse(l, CultureInfo.InvariantCulture)).ToArray();
        if (folds.Length != features.Count)
            throw new InvalidDataException($"{foldsPath} has {folds.Length} folds for the {features.Count} rows of {csvPath}.");
        return new PanelDataSet(name, task, features.ToArray(), labels.ToArray(), folds) { IsFixedSplit = fixedSplit };
    }

    /// <summary>The rows of the test fold and of the training folds.</summary>
    public (int[] Train, int[] Test) Split(int testFold) =>
        (Enumerable.Range(0, Labels.Length).Where(r => Folds[r] != testFold).ToArray(),
         Enumerable.Range(0, Labels.Length).Where(r => Folds[r] == testFold).ToArray());

    /// <summary>The folds to evaluate: every fold in turn, or only the test part of a fixed split.</summary>
    public IEnumerable<int> EvaluatedFolds => IsFixedSplit ? [0] : Enumerable.Range(0, FoldCount);
}
