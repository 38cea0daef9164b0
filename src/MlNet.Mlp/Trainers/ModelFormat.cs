using Microsoft.ML;
using Microsoft.ML.Runtime;

namespace MlNet.Mlp.Trainers;

/// <summary>
/// Reading helpers shared by our model loaders. A model file is untrusted input: every count is checked against
/// the bytes left in the model's block before anything is allocated from it, and every value against its range.
/// </summary>
internal static class ModelFormat
{
    /// <summary>The format version every one of our model types writes and reads today.</summary>
    public const uint CurrentVersion = 0x00010001;

    /// <summary>
    /// The version header of one of our model types: its 8-character signature, its loader, and our assembly as the
    /// loader's home, which lets <c>mlContext.Model.Load</c> find MlNet.Mlp without a RegisterAssembly call.
    /// </summary>
    public static VersionInfo VersionInfoFor(string modelSignature, string loaderSignature) => new(
        modelSignature: modelSignature,
        verWrittenCur: CurrentVersion,
        verReadableCur: CurrentVersion,
        verWeCanReadBack: CurrentVersion,
        loaderSignature: loaderSignature,
        loaderAssemblyName: typeof(ModelFormat).Assembly.FullName);

    /// <summary>
    /// Checks the stream's format version before ML.NET's own check, whose message names ML.NET's version rather
    /// than our format's.
    /// </summary>
    public static void CheckVersion(IHost host, ModelLoadContext ctx, VersionInfo version, string modelName)
    {
        uint readable = ctx.Header.ModelVerReadable;
        if (readable > version.VerWrittenCur)
        {
            throw host.ExceptDecode(
                $"This {modelName} was written in format version 0x{readable:X8}, newer than the newest this version of " +
                $"MlNet.Mlp reads (0x{version.VerWrittenCur:X8}). Load it with the MlNet.Mlp version that saved it, or a newer one.");
        }
        ctx.CheckAtModel(version);
    }

    /// <summary>Bytes left in the current model block.</summary>
    public static long RemainingBytes(ModelLoadContext ctx) =>
        ctx.FpMin + ctx.Header.FpModel + ctx.Header.CbModel - ctx.Reader.BaseStream.Position;

    /// <summary>
    /// Checks that <paramref name="size"/> more bytes lie inside the model block before a fixed-size read. Without it
    /// a block cut short reads on into the stream's next section (its string table), yielding garbage values or
    /// messages such as "only -4 bytes remain" instead of saying the block ended.
    /// </summary>
    private static void Need(IHost host, ModelLoadContext ctx, int size, string what)
    {
        if (RemainingBytes(ctx) < size)
            throw host.ExceptDecode($"Corrupt model file: the model ends before {what}.");
    }

    public static int ReadInt32(IHost host, ModelLoadContext ctx, string what)
    {
        Need(host, ctx, sizeof(int), what);
        return ctx.Reader.ReadInt32();
    }

    public static long ReadInt64(IHost host, ModelLoadContext ctx, string what)
    {
        Need(host, ctx, sizeof(long), what);
        return ctx.Reader.ReadInt64();
    }

    public static double ReadDouble(IHost host, ModelLoadContext ctx, string what)
    {
        Need(host, ctx, sizeof(double), what);
        return ctx.Reader.ReadDouble();
    }

    /// <summary>Reads an element count and checks it against the bytes that remain.</summary>
    public static int ReadCount(IHost host, ModelLoadContext ctx, int bytesPerElement, string what, int minimum = 0)
    {
        int count = ReadInt32(host, ctx, what);
        if (count < minimum)
            throw host.ExceptDecode($"Corrupt model file: {what} is {count}, expected at least {minimum}.");
        long remaining = RemainingBytes(ctx);
        if ((long)count * bytesPerElement > remaining)
            throw host.ExceptDecode($"Corrupt model file: {what} is {count}, but only {remaining} bytes of the model remain.");
        return count;
    }

    public static float[] ReadFiniteSingles(IHost host, ModelLoadContext ctx, int count, string what)
    {
        if ((long)count * sizeof(float) > RemainingBytes(ctx))
            throw host.ExceptDecode($"Corrupt model file: {what} is cut short.");
        var values = new float[count];
        for (int i = 0; i < values.Length; i++)
            values[i] = ReadFiniteSingle(host, ctx, what);
        return values;
    }

    public static float ReadFiniteSingle(IHost host, ModelLoadContext ctx, string what)
    {
        Need(host, ctx, sizeof(float), what);
        float value = ctx.Reader.ReadSingle();
        if (!float.IsFinite(value))
            throw host.ExceptDecode($"Corrupt model file: {what} holds a non-finite value ({value}).");
        return value;
    }

    public static double[] ReadDoubles(IHost host, ModelLoadContext ctx, string what)
    {
        int count = ReadCount(host, ctx, sizeof(double), $"the length of {what}");
        var values = new double[count];
        for (int i = 0; i < values.Length; i++)
            values[i] = ctx.Reader.ReadDouble();
        return values;
    }

    public static void WriteDoubles(ModelSaveContext ctx, IReadOnlyList<double> values)
    {
        ctx.Writer.Write(values.Count);
        foreach (double value in values)
            ctx.Writer.Write(value);
    }

    public static bool ReadBoolean(IHost host, ModelLoadContext ctx, string what)
    {
        Need(host, ctx, sizeof(byte), what);
        byte value = ctx.Reader.ReadByte();
        if (value > 1)
            throw host.ExceptDecode($"Corrupt model file: {what} is {value}, expected 0 or 1.");
        return value == 1;
    }
}
