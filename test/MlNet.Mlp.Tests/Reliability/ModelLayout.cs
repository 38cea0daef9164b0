using System.Buffers.Binary;

namespace MlNet.Mlp.Tests.Reliability;

internal enum FieldKind { Count, Int32, Int64, Single, Double, Byte, Checksum }

/// <summary>One field of our model block: where it starts in the stream, its size and what it holds.</summary>
internal readonly record struct Field(long Offset, int Size, FieldKind Kind);

/// <summary>
/// Walks a valid model block of the current format (ending in its checksum) field by field, following the formats
/// documented in PerceptronModelParameters.cs and MlpModelParameters.cs, written independently of the loaders so that the mutation test knows where every count and
/// every section boundary lies.
/// </summary>
internal static class ModelLayout
{
    public static List<Field> Fields(byte[] stream, string signature)
    {
        var walker = new Walker(stream, ModelHeader.ModelStart(stream));
        walker.Next(FieldKind.Int32); // ModelParametersBase: sizeof(float)
        if (signature == "MLPPERCP")
            WalkPerceptron(walker);
        else
            WalkMlp(walker, signature);
        walker.Next(FieldKind.Checksum);
        long end = ModelHeader.ModelStart(stream) + ModelHeader.ModelLength(stream);
        if (walker.Position != end)
            throw new InvalidOperationException($"The layout walk ended at {walker.Position}, the model block at {end}: the test's format map is stale.");
        return walker.Fields;
    }

    private static void WalkPerceptron(Walker w)
    {
        int features = w.Next(FieldKind.Count);
        w.Next(FieldKind.Single);
        w.Repeat(features, FieldKind.Single);
        int losses = w.Next(FieldKind.Count);
        w.Repeat(losses, FieldKind.Double);
        w.Next(FieldKind.Byte);
        w.Next(FieldKind.Int32);
    }

    /// <summary>
    /// Where the MLP models' ensemble and input-stage section (format 0x00010003) lies: after the first member's
    /// report, before the task's own fields. Null for the perceptron, which has none.
    /// </summary>
    public static (long Start, long End)? ExtensionRange(byte[] stream, string signature)
    {
        if (signature == "MLPPERCP")
            return null;
        var walker = new Walker(stream, ModelHeader.ModelStart(stream));
        walker.Next(FieldKind.Int32);
        int features = WalkNetwork(walker);
        WalkReport(walker);
        long start = walker.Position;
        WalkExtension(walker, features);
        return (start, walker.Position);
    }

    private static void WalkMlp(Walker w, string signature)
    {
        int features = WalkNetwork(w);
        WalkReport(w);
        int outputs = WalkExtension(w, features);
        // After the networks: a label mean and scale for regression, one of each per output for multi-output regression.
        int labelScaling = signature switch
        {
            "MLPREGRS" => 2,
            "MLPMOREG" => 2 * outputs,
            _ => 0,
        };
        w.Repeat(labelScaling, FieldKind.Single);
    }

    /// <summary>A network's fields; returns its input count. <see cref="LastOutputs"/> holds its output count after.</summary>
    private static int WalkNetwork(Walker w)
    {
        int layers = w.Next(FieldKind.Count);
        int features = w.Next(FieldKind.Count);
        int inputs = features;
        for (int l = 0; l < layers; l++)
        {
            int outputs = w.Next(FieldKind.Count);
            w.Next(FieldKind.Int32);
            w.Repeat(outputs * inputs, FieldKind.Single);
            w.Repeat(outputs, FieldKind.Single);
            inputs = outputs;
        }
        w.LastOutputs = inputs;
        return features;
    }

    /// <summary>The input stage and the further members; returns the networks' output count.</summary>
    private static int WalkExtension(Walker w, int features)
    {
        int outputs = w.LastOutputs;
        if (w.Next(FieldKind.Byte) == 1)
            w.Repeat(2 * features, FieldKind.Single);
        int further = w.Next(FieldKind.Count);
        for (int k = 0; k < further; k++)
        {
            WalkNetwork(w);
            WalkReport(w);
        }
        return outputs;
    }

    private static void WalkReport(Walker w)
    {
        int epochs = w.Next(FieldKind.Count);
        for (int e = 0; e < epochs; e++)
        {
            w.Next(FieldKind.Double);
            w.Next(FieldKind.Byte);
            w.Next(FieldKind.Double);
            w.Next(FieldKind.Byte);
            w.Next(FieldKind.Double);
            w.Next(FieldKind.Int64);
        }
        w.Next(FieldKind.Int32);
        w.Next(FieldKind.Int32);
        w.Next(FieldKind.Byte);
        w.Next(FieldKind.Int32);
    }

    private sealed class Walker(byte[] stream, long start)
    {
        public long Position { get; private set; } = start;
        public List<Field> Fields { get; } = [];
        public int LastOutputs { get; set; }

        /// <summary>Records the next field; returns its value when it is a 32-bit integer or a byte (else 0).</summary>
        public int Next(FieldKind kind)
        {
            int size = kind switch
            {
                FieldKind.Count or FieldKind.Int32 or FieldKind.Single => 4,
                FieldKind.Int64 or FieldKind.Double or FieldKind.Checksum => 8,
                _ => 1,
            };
            Fields.Add(new Field(Position, size, kind));
            int value = size == 4 ? BinaryPrimitives.ReadInt32LittleEndian(stream.AsSpan((int)Position)) : size == 1 ? stream[Position] : 0;
            Position += size;
            return value;
        }

        public void Repeat(int count, FieldKind kind)
        {
            for (int i = 0; i < count; i++)
                Next(kind);
        }
    }
}
