using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using Microsoft.ML;
using Microsoft.ML.Runtime;

namespace MlNet.Mlp.Trainers;

/// <summary>
/// Reading helpers shared by our model loaders. A model file is untrusted input: every count is checked against
/// the bytes left in the model's block before anything is allocated from it, and every value against its range.
/// </summary>
/// <remarks>
/// From <see cref="ChecksumVersion"/> on, every model block of ours ends in a CRC-64 (ECMA-182, little-endian) of all
/// the block's bytes before it — whatever fields a model type writes, ML.NET's own leading int included — written by
/// <see cref="AppendChecksum"/> after the model has saved itself and checked by <see cref="Read{TModel}"/> before
/// anything is parsed. CRC-64 detects every error burst of up to 64 bits (so any single damaged byte) and misses
/// random damage with probability 2⁻⁶⁴, so a damaged file is rejected rather than loaded as a different model.
/// </remarks>
internal static class ModelFormat
{
    /// <summary>The first format: no checksum. Still read.</summary>
    public const uint FirstVersion = 0x00010001;

    /// <summary>The format that added the trailing checksum.</summary>
    public const uint ChecksumVersion = 0x00010002;

    /// <summary>The format that added ensembles and the robust input stage to the MLP models (see MlpNetworkFormat).</summary>
    public const uint EnsembleVersion = 0x00010003;

    /// <summary>The format version every one of our model types writes today.</summary>
    public const uint CurrentVersion = EnsembleVersion;

    private const int ChecksumSize = sizeof(ulong);

    /// <summary>
    /// The version header of one of our model types: its 8-character signature, its loader, and our assembly as the
    /// loader's home, which lets <c>mlContext.Model.Load</c> find MlNet.Mlp without a RegisterAssembly call. Files
    /// of the current version are readable only by readers that know the checksum (an older reader would stop
    /// before it and fail ML.NET's end-of-block check); files of every version since <see cref="FirstVersion"/> load.
    /// </summary>
    public static VersionInfo VersionInfoFor(string modelSignature, string loaderSignature) => new(
        modelSignature: modelSignature,
        verWrittenCur: CurrentVersion,
        verReadableCur: CurrentVersion,
        verWeCanReadBack: FirstVersion,
        loaderSignature: loaderSignature,
        loaderAssemblyName: typeof(ModelFormat).Assembly.FullName);

    /// <summary>
    /// Loads one of our models: checks the version and the checksum, runs <paramref name="read"/> (the model's
    /// loading constructor) and checks it read exactly the block's fields. Every loader goes through here, so a
    /// model type that appends fields is covered by the checksum without further code.
    /// </summary>
    public static TModel Read<TModel>(IHostEnvironment env, ModelLoadContext ctx, string registrationName,
        VersionInfo version, string modelName, Func<TModel> read)
    {
        Contracts.CheckValue(env, nameof(env));
        env.CheckValue(ctx, nameof(ctx));
        IHost host = env.Register(registrationName);
        CheckVersion(host, ctx, version, modelName);
        VerifyChecksum(host, ctx);
        TModel model = read();
        long left = RemainingBytes(ctx);
        if (left != 0)
            throw host.ExceptDecode($"Corrupt model file: {left} bytes of the {modelName} were left unread.");
        ctx.Reader.BaseStream.Seek(ChecksumSizeOf(ctx), SeekOrigin.Current);
        return model;
    }

    /// <summary>
    /// Checks the stream's format version before ML.NET's own check, whose message names ML.NET's version rather
    /// than our format's. Models go through <see cref="Read{TModel}"/>, which calls this; a block without a checksum
    /// of its own (the prediction transformer's, which only names its model and column) calls it directly.
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

    /// <summary>
    /// Appends the checksum of everything the model wrote to its block. Called after the model has saved itself,
    /// so it covers every field, present and future. The block is read back from the entry's stream, which ML.NET
    /// keeps seekable and readable (a temporary file or a memory stream) because it rewrites the header at the end.
    /// </summary>
    public static void AppendChecksum(IHost host, ModelSaveContext ctx)
    {
        ctx.Writer.Flush();
        Stream stream = ctx.Writer.BaseStream;
        host.Check(stream.CanSeek && stream.CanRead, "Saving an MlNet.Mlp model needs a readable, seekable model stream.");
        long end = stream.Position;
        long start = ctx.FpMin + ctx.Header.FpModel;
        stream.Position = start;
        ulong checksum = Checksum(host, stream, end - start);
        host.Check(stream.Position == end, "The model stream ended while its checksum was computed.");
        ctx.Writer.Write(checksum);
    }

    private static void VerifyChecksum(IHost host, ModelLoadContext ctx)
    {
        if (ChecksumSizeOf(ctx) == 0)
            return;
        Stream stream = ctx.Reader.BaseStream;
        long start = stream.Position;
        long payload = ctx.Header.CbModel - ChecksumSize;
        if (payload < 0)
            throw host.ExceptDecode("Corrupt model file: the model ends before its checksum.");
        ulong computed = Checksum(host, stream, payload);
        Span<byte> stored = stackalloc byte[ChecksumSize];
        if (stream.ReadAtLeast(stored, ChecksumSize, throwOnEndOfStream: false) < ChecksumSize)
            throw host.ExceptDecode("Corrupt model file: the model stream ends inside its checksum.");
        stream.Position = start;
        if (BinaryPrimitives.ReadUInt64LittleEndian(stored) != computed)
            throw host.ExceptDecode("Corrupt model file: the model's checksum does not match its contents; the file is damaged.");
    }

    private static ulong Checksum(IHost host, Stream stream, long length)
    {
        var crc = new Crc64();
        byte[] buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            for (long left = length; left > 0;)
            {
                int read = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
                if (read == 0)
                    throw host.ExceptDecode("Corrupt model file: the model stream ends inside the model block.");
                crc.Append(buffer.AsSpan(0, read));
                left -= read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return crc.GetCurrentHashAsUInt64();
    }

    private static int ChecksumSizeOf(ModelLoadContext ctx) => ctx.Header.ModelVerWritten >= ChecksumVersion ? ChecksumSize : 0;

    /// <summary>Bytes of fields left in the current model block (the checksum after them not counted).</summary>
    public static long RemainingBytes(ModelLoadContext ctx) =>
        ctx.FpMin + ctx.Header.FpModel + ctx.Header.CbModel - ChecksumSizeOf(ctx) - ctx.Reader.BaseStream.Position;

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

    public static byte ReadByte(IHost host, ModelLoadContext ctx, string what)
    {
        Need(host, ctx, sizeof(byte), what);
        return ctx.Reader.ReadByte();
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
