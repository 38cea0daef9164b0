using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNet.Mlp.Tests.Reliability;

/// <summary>
/// One small trained model of each of our six types, and one MLP with a robust input stage and two ensemble members,
/// saved into ML.NET's .zip in memory, with rows to score.
/// </summary>
internal sealed record SavedModel(string Name, string Signature, byte[] Zip, IDataView ScoringRows, bool ScoreIsVector);

internal static class SavedModels
{
    private const int FeatureCount = 4;

    public sealed class BinaryRow
    {
        public bool Label { get; set; }
        [VectorType(FeatureCount)] public float[] Features { get; set; } = [];
    }

    public sealed class KeyRow
    {
        // Raw keys 1–3 are valid only with KeyType(4): under KeyType(3) ML.NET reads 3 as a missing label.
        [KeyType(4)] public uint Label { get; set; }
        [VectorType(FeatureCount)] public float[] Features { get; set; } = [];
    }

    public sealed class RegressionRow
    {
        public float Label { get; set; }
        [VectorType(FeatureCount)] public float[] Features { get; set; } = [];
    }

    public sealed class MultiOutputRow
    {
        [VectorType(2)] public float[] Label { get; set; } = [];
        [VectorType(FeatureCount)] public float[] Features { get; set; } = [];
    }

    public sealed class MultiLabelRow
    {
        [VectorType(2)] public bool[] Label { get; set; } = [];
        [VectorType(FeatureCount)] public float[] Features { get; set; } = [];
    }

    /// <summary>Seeded, normalised-looking features in [−2, 2) whose label depends on the first two.</summary>
    public static float[][] Features(int rows, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, rows)
            .Select(_ => Enumerable.Range(0, FeatureCount).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray())
            .ToArray();
    }

    /// <summary>
    /// The seven models (the six types of one network without an input stage, then an ensemble with one), each small (a handful of weights, three epochs) so that thousands of loads stay fast, and with
    /// nothing but the trainer's transformer in the .zip so that every load exercises our loader.
    /// </summary>
    public static IReadOnlyList<SavedModel> All(MLContext ml)
    {
        float[][] x = Features(60, seed: 11);
        var binary = ml.Data.LoadFromEnumerable(x.Select(f => new BinaryRow { Features = f, Label = f[0] + f[1] > 0 }).ToList());
        var keyed = ml.Data.LoadFromEnumerable(x.Select(f => new KeyRow { Features = f, Label = f[0] > 0.7f ? 1u : f[0] < -0.7f ? 2u : 3u }).ToList());
        var regression = ml.Data.LoadFromEnumerable(x.Select(f => new RegressionRow { Features = f, Label = 3 * f[0] - f[1] + 10 }).ToList());
        var multiOutput = ml.Data.LoadFromEnumerable(x.Select(f => new MultiOutputRow { Features = f, Label = [3 * f[0] - f[1] + 10, f[2] * 5] }).ToList());
        var multiLabel = ml.Data.LoadFromEnumerable(x.Select(f => new MultiLabelRow { Features = f, Label = [f[0] > 0, f[1] + f[2] > 0] }).ToList());
        return
        [
            Save(ml, "perceptron", "MLPPERCP", binary, false,
                ml.BinaryClassification.Trainers.Perceptron(new PerceptronTrainer.Options { NumberOfIterations = 5, Seed = 1 })),
            Save(ml, "binary MLP", "MLPBINRY", binary, false, ml.BinaryClassification.Trainers.Mlp(new MlpBinaryTrainer.Options
            {
                HiddenLayerSizes = [3], NumberOfIterations = 3, EarlyStopping = false, Seed = 1, FeatureScaling = MlpFeatureScaling.Standardize, EnsembleSize = 1,
            })),
            Save(ml, "multiclass MLP", "MLPMULTI", keyed, true, ml.MulticlassClassification.Trainers.Mlp(new MlpMulticlassTrainer.Options
            {
                HiddenLayerSizes = [3], NumberOfIterations = 3, EarlyStopping = false, Seed = 1, FeatureScaling = MlpFeatureScaling.Standardize, EnsembleSize = 1,
            })),
            Save(ml, "regression MLP", "MLPREGRS", regression, false, ml.Regression.Trainers.Mlp(new MlpRegressionTrainer.Options
            {
                HiddenLayerSizes = [3, 2], NumberOfIterations = 3, EarlyStopping = false, Seed = 1, FeatureScaling = MlpFeatureScaling.Standardize, EnsembleSize = 1,
            })),
            Save(ml, "multi-output regression MLP", "MLPMOREG", multiOutput, true, ml.Regression.Trainers.MlpMultiOutput(new MlpMultiOutputRegressionTrainer.Options
            {
                HiddenLayerSizes = [3], NumberOfIterations = 3, EarlyStopping = false, Seed = 1, FeatureScaling = MlpFeatureScaling.Standardize, EnsembleSize = 1,
            })),
            Save(ml, "multi-label MLP", "MLPMLABL", multiLabel, true, ml.BinaryClassification.Trainers.MlpMultiLabel(new MlpMultiLabelTrainer.Options
            {
                HiddenLayerSizes = [3], NumberOfIterations = 3, EarlyStopping = false, Seed = 1, FeatureScaling = MlpFeatureScaling.Standardize, EnsembleSize = 1,
            })),
            Save(ml, "robust two-member regression MLP", "MLPREGRS", regression, false, ml.Regression.Trainers.Mlp(new MlpRegressionTrainer.Options
            {
                HiddenLayerSizes = [3], NumberOfIterations = 3, EarlyStopping = false, Seed = 1,
                FeatureScaling = MlpFeatureScaling.Robust, EnsembleSize = 2,
            })),
        ];
    }

    private static SavedModel Save(MLContext ml, string name, string signature, IDataView data, bool scoreIsVector,
        IEstimator<ITransformer> trainer)
    {
        ITransformer model = trainer.Fit(data);
        using var stream = new MemoryStream();
        ml.Model.Save(model, data.Schema, stream);
        return new SavedModel(name, signature, stream.ToArray(), ml.Data.TakeRows(data, 3), scoreIsVector);
    }

    /// <summary>The name of the zip entry holding the model stream with this ML.NET model signature.</summary>
    public static string FindEntry(byte[] zip, string modelSignature)
    {
        using var archive = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read);
        var matches = archive.Entries.Where(e => e.Name == "Model.key" && SignatureOf(ReadEntry(e)) == modelSignature).ToList();
        if (matches.Count != 1)
            throw new InvalidOperationException($"Expected one model stream signed {modelSignature}, found {matches.Count}.");
        return matches[0].FullName;
    }

    public static byte[] ReadEntry(byte[] zip, string entryName)
    {
        using var archive = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read);
        return ReadEntry(archive.GetEntry(entryName)!);
    }

    private static byte[] ReadEntry(ZipArchiveEntry entry)
    {
        using var stream = entry.Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>A copy of <paramref name="zip"/> whose entry <paramref name="entryName"/> holds <paramref name="content"/>.</summary>
    public static byte[] WithEntry(byte[] zip, string entryName, byte[] content)
    {
        using var output = new MemoryStream();
        using (var source = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read))
        using (var target = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (ZipArchiveEntry entry in source.Entries)
            {
                // Fastest compression: thousands of rewrites per run, and the level does not matter to the loader.
                ZipArchiveEntry copy = target.CreateEntry(entry.FullName, CompressionLevel.NoCompression);
                using Stream to = copy.Open();
                if (entry.FullName == entryName)
                    to.Write(content);
                else
                    using (Stream from = entry.Open())
                        from.CopyTo(to);
            }
        }
        return output.ToArray();
    }

    /// <summary>The 8-character model signature of an ML.NET model stream, or null when the stream is too short.</summary>
    public static string? SignatureOf(byte[] stream) =>
        stream.Length < ModelHeader.Size ? null : Encoding.ASCII.GetString(stream, ModelHeader.ModelSignature, 8);
}

/// <summary>
/// Offsets in ML.NET's 256-byte model-stream header (Microsoft.ML.Core, ModelHeader.cs), which precedes the model block.
/// </summary>
internal static class ModelHeader
{
    public const int Size = 0x100;
    public const int FpModel = 16;
    public const int CbModel = 24;
    public const int ModelSignature = 64;
    public const int ModelVerWritten = 72;
    public const int ModelVerReadable = 76;

    // Where the sections after the model block start (and where the stream ends): all move when the block shrinks.
    private static readonly int[] PositionsAfterModel = [0x20 /* FpStringTable */, 0x30 /* FpStringChars */,
        0x80 /* FpTail */, 0x88 /* FpLim */, 0x90 /* FpAssemblyName */];

    /// <summary>
    /// The stream with its model block cut at <paramref name="end"/> and everything after the block moved up, with the
    /// header's positions updated: a consistent stream whose model block is simply short, so ML.NET's header checks
    /// pass it and our loader meets the truncation.
    /// </summary>
    public static byte[] WithModelBlockCutAt(byte[] stream, long end) => WithoutRange(stream, end, ModelStart(stream) + ModelLength(stream));

    /// <summary>
    /// A current-format stream (0x00010003) of a model with one network and no input stage rewritten as the first
    /// format (0x00010001): the same fields without the MLP models' ensemble section (an empty input stage and no
    /// further members) and without the trailing 8-byte checksum.
    /// </summary>
    public static byte[] AsFirstFormat(byte[] stream) => AsOlderFormat(stream, 0x00010001, keepChecksum: false);

    /// <summary>As <see cref="AsFirstFormat"/>, for the second format (0x00010002): the checksum stays, recomputed.</summary>
    public static byte[] AsSecondFormat(byte[] stream) => AsOlderFormat(stream, 0x00010002, keepChecksum: true);

    private static byte[] AsOlderFormat(byte[] stream, uint version, bool keepChecksum)
    {
        string signature = System.Text.Encoding.ASCII.GetString(stream, ModelSignature, 8);
        byte[] older = WithModelBlockCutAt(stream, ModelStart(stream) + ModelLength(stream) - sizeof(ulong));
        if (ModelLayout.ExtensionRange(stream, signature) is var (start, end))
        {
            if (end - start != 1 + sizeof(int) || stream[start] != 0 || BinaryPrimitives.ReadInt32LittleEndian(stream.AsSpan((int)start + 1)) != 0)
                throw new InvalidOperationException("Only a model of one network without an input stage has an older form.");
            older = WithoutRange(older, start, end);
        }
        if (keepChecksum)
        {
            var crc = new System.IO.Hashing.Crc64();
            crc.Append(older.AsSpan((int)ModelStart(older), (int)ModelLength(older)));
            older = WithBytesInserted(older, ModelStart(older) + ModelLength(older), BitConverter.GetBytes(crc.GetCurrentHashAsUInt64()));
        }
        BinaryPrimitives.WriteUInt32LittleEndian(older.AsSpan(ModelVerWritten), version);
        BinaryPrimitives.WriteUInt32LittleEndian(older.AsSpan(ModelVerReadable), version);
        return older;
    }

    /// <summary>The stream with the model block's bytes [start, end) removed and the header's positions updated.</summary>
    public static byte[] WithoutRange(byte[] stream, long start, long end)
    {
        long oldEnd = ModelStart(stream) + ModelLength(stream);
        long delta = end - start;
        byte[] cut = [.. stream.AsSpan(0, (int)start), .. stream.AsSpan((int)end)];
        BinaryPrimitives.WriteUInt64LittleEndian(cut.AsSpan(CbModel), (ulong)(ModelLength(stream) - delta));
        ShiftPositionsAfter(cut, oldEnd, -delta);
        return cut;
    }

    /// <summary>The stream with <paramref name="bytes"/> inserted into the model block at <paramref name="at"/> (its end at most).</summary>
    private static byte[] WithBytesInserted(byte[] stream, long at, byte[] bytes)
    {
        long oldEnd = ModelStart(stream) + ModelLength(stream);
        byte[] grown = [.. stream.AsSpan(0, (int)at), .. bytes, .. stream.AsSpan((int)at)];
        BinaryPrimitives.WriteUInt64LittleEndian(grown.AsSpan(CbModel), (ulong)(ModelLength(stream) + bytes.Length));
        ShiftPositionsAfter(grown, oldEnd, bytes.Length);
        return grown;
    }

    private static void ShiftPositionsAfter(byte[] stream, long oldEnd, long delta)
    {
        foreach (int field in PositionsAfterModel)
        {
            long position = BinaryPrimitives.ReadInt64LittleEndian(stream.AsSpan(field));
            if (position >= oldEnd)
                BinaryPrimitives.WriteInt64LittleEndian(stream.AsSpan(field), position + delta);
        }
    }

    public static long ModelStart(byte[] stream) => (long)BinaryPrimitives.ReadUInt64LittleEndian(stream.AsSpan(FpModel));
    public static long ModelLength(byte[] stream) => (long)BinaryPrimitives.ReadUInt64LittleEndian(stream.AsSpan(CbModel));
}
