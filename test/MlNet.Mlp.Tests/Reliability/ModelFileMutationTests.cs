using System.Buffers.Binary;
using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;
using Xunit.Abstractions;

namespace MlNet.Mlp.Tests.Reliability;

/// <summary>
/// Loads thousands of damaged copies of our saved models. The contract for a damaged model file:
/// <list type="bullet">
/// <item>Model.Load throws <see cref="FormatException"/> (ML.NET's and our decode checks: "Corrupt model file: …",
/// among them our checksum's), <see cref="InvalidOperationException"/> (ML.NET's checks of the zip and header) or
/// <see cref="ArgumentException"/> (ML.NET's checks of names, types and signatures), with a message saying what is
/// wrong; or</item>
/// <item>it loads and scores the rows exactly (bit for bit) as the undamaged model does — no damaged file may load
/// as a different model;</item>
/// <item>never another exception type, a crash, a load taking more than <see cref="TimeBudget"/>, or an allocation
/// above <see cref="AllocationBudget"/> (a header claiming a 2³¹-unit layer must be rejected before allocating).</item>
/// </list>
/// Every case damages only our model block, which the format's CRC-64 covers, so in practice all are rejected; the
/// field-by-field checks behind the checksum still guard files of the first format, which had none.
/// </summary>
public class ModelFileMutationTests(ITestOutputHelper output)
{
    private const int CasesPerModel = 560;
    private const int Seed = 20261127;
    private static readonly TimeSpan TimeBudget = TimeSpan.FromSeconds(2);

    // A case over budget gets this much longer before it counts as a hang: on a loaded CI machine (2 cores shared
    // with other test classes running in parallel) a load that JIT-compiles ML.NET's loaders can pass 2 s without
    // hanging, and a real hang (a loop on a corrupt count) never finishes at all. Slow cases are counted and printed.
    private static readonly TimeSpan HangLimit = TimeSpan.FromSeconds(30);

    // A load of these models allocates under 200 KiB (measured, printed by the test); anything sized from a corrupt
    // count would be gigabytes (a 2³¹-unit layer). 16 MiB leaves room for ML.NET's caches without hiding either.
    private const long AllocationBudget = 16L << 20;

    // A model block cut short in an otherwise consistent stream must be caught by our loader's bounded reads, with
    // its own message, not by ML.NET noticing afterwards that the loader read past the block.
    private const string ShortBlock = "short model block";

    private sealed record Mutation(string Kind, string Description, byte[] Stream);

    private sealed record Result(string Class, string? Failure, string? Message = null)
    {
        /// <summary>The scores of a model that loaded.</summary>
        public float[]? Scores { get; init; }

        /// <summary>Bytes the load allocated on its thread.</summary>
        public long Allocated { get; init; }

        /// <summary>Whether it finished only after <see cref="TimeBudget"/>.</summary>
        public bool Slow { get; init; }
    }

    [Fact]
    public void Every_damaged_model_file_is_rejected_with_a_documented_exception_or_scores_exactly_as_the_original()
    {
        var ml = new MLContext(seed: 1);
        var tally = new SortedDictionary<string, int>();
        var failures = new List<string>();
        var messages = new Dictionary<string, string>();
        var watch = Stopwatch.StartNew();
        int cases = 0, slowCases = 0;
        long largestAllocation = 0;
        foreach (SavedModel model in SavedModels.All(ml))
        {
            string entry = SavedModels.FindEntry(model.Zip, model.Signature);
            byte[] stream = SavedModels.ReadEntry(model.Zip, entry);
            Result undamaged = Run(ml, model, model.Zip);
            Assert.True(undamaged.Class == Loaded, $"the undamaged {model.Name}: {undamaged.Class} {undamaged.Failure}");
            float[] original = undamaged.Scores!;
            long blockEnd = ModelHeader.ModelStart(stream) + ModelHeader.ModelLength(stream);
            Result rebuilt = Judge(Run(ml, model, SavedModels.WithEntry(model.Zip, entry, ModelHeader.WithModelBlockCutAt(stream, blockEnd))), original);
            Assert.True(rebuilt.Class == SameModel, $"the uncut rebuild of {model.Name}: {rebuilt.Class} {rebuilt.Failure}");
            foreach (Mutation mutation in Mutations(stream, model.Signature, new Random(Seed)))
            {
                cases++;
                Result outcome = Judge(Run(ml, model, SavedModels.WithEntry(model.Zip, entry, mutation.Stream)), original);
                string key = $"{mutation.Kind,-18} {outcome.Class}";
                tally[key] = tally.GetValueOrDefault(key) + 1;
                largestAllocation = Math.Max(largestAllocation, outcome.Allocated);
                slowCases += outcome.Slow ? 1 : 0;
                if (outcome.Failure is null && mutation.Kind == ShortBlock && !IsOurTruncationError(outcome))
                    outcome = outcome with { Failure = $"our loader read past the end of its block: {outcome.Class}, {outcome.Message}" };
                if (outcome.Failure is not null)
                    failures.Add($"{model.Name}, {mutation.Description}: {outcome.Failure}");
                if (outcome.Message is not null)
                    messages.TryAdd(outcome.Message, $"{model.Name}, {mutation.Description}");
            }
        }
        output.WriteLine($"{cases} damaged model files in {watch.Elapsed.TotalSeconds:F1} s:");
        foreach ((string key, int count) in tally)
            output.WriteLine($"  {count,5}  {key}");
        output.WriteLine($"{slowCases} cases took over {TimeBudget.TotalSeconds} s (none hung past {HangLimit.TotalSeconds} s).");
        output.WriteLine($"Largest allocation by one load: {largestAllocation / 1024.0:N0} KiB (budget {AllocationBudget >> 20} MiB).");
        output.WriteLine($"{messages.Count} distinct rejection messages, e.g.:");
        foreach ((string message, string example) in messages.OrderBy(m => m.Key.StartsWith("Corrupt model file:")).Take(15))
            output.WriteLine($"  {message}   [{example}]");
        foreach (string failure in failures.Take(30))
            output.WriteLine("FAIL " + failure);
        Assert.True(cases >= 2000, $"only {cases} cases");
        Assert.True(failures.Count == 0, $"{failures.Count} of {cases} damaged files broke the contract; first: {failures.FirstOrDefault()}");
    }

    private const string Loaded = "loaded";
    private const string SameModel = "loaded, scores identical to the original";

    /// <summary>A model that loaded must score exactly as the undamaged one: anything else loaded a different model.</summary>
    private static Result Judge(Result outcome, float[] original)
    {
        if (outcome.Class != Loaded)
            return outcome;
        float[] scores = outcome.Scores!;
        bool identical = scores.Length == original.Length
            && scores.Zip(original).All(p => BitConverter.SingleToInt32Bits(p.First) == BitConverter.SingleToInt32Bits(p.Second));
        return identical
            ? outcome with { Class = SameModel }
            : outcome with { Class = "loaded as a different model", Failure = $"scores {string.Join(", ", scores)} instead of {string.Join(", ", original)}" };
    }

    private static bool IsOurTruncationError(Result outcome) =>
        outcome.Class.StartsWith("rejected by our loader") && outcome.Message!.StartsWith("Corrupt model file:")
        && !outcome.Message.Contains("only -"); // a negative count of bytes left means it had already read past the end

    private static Result Outcome(string outcomeClass, string? failure = null) => new(outcomeClass, failure);

    /// <summary>Loads and scores on a worker thread so that a hang is reported instead of stalling the run.</summary>
    private static Result Run(MLContext ml, SavedModel model, byte[] zip)
    {
        var task = Task.Run(() => LoadAndScore(ml, model, zip));
        if (task.Wait(TimeBudget))
            return task.Result;
        if (!task.Wait(HangLimit))
            return Outcome("hang", $"still running after {(TimeBudget + HangLimit).TotalSeconds} s");
        return task.Result with { Slow = true };
    }

    private static Result LoadAndScore(MLContext ml, SavedModel model, byte[] zip)
    {
        ITransformer loaded;
        long before = GC.GetAllocatedBytesForCurrentThread();
        try
        {
            loaded = ml.Model.Load(new MemoryStream(zip), out _);
        }
        catch (Exception e)
        {
            long allocatedBeforeThrow = GC.GetAllocatedBytesForCurrentThread() - before;
            return Rejected(e, allocatedBeforeThrow) with { Allocated = allocatedBeforeThrow };
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        if (allocated > AllocationBudget)
            return Outcome("loaded, huge allocation", $"allocated {allocated:N0} bytes");
        try
        {
            return Outcome(Loaded) with { Allocated = allocated, Scores = Scores(loaded, model) };
        }
        catch (Exception e)
        {
            return Outcome($"loaded, scoring threw {e.GetType().Name}", e.ToString());
        }
    }

    private static Result Rejected(Exception e, long allocated)
    {
        Exception cause = RootCause(e);
        string name = e.GetType().Name + (cause == e ? "" : $" ← {cause.GetType().Name}");
        if (allocated > AllocationBudget)
            return Outcome($"rejected, huge allocation", $"{name} after allocating {allocated:N0} bytes: {cause.Message}");
        bool documented = IsDocumented(e) && IsDocumented(cause);
        if (!documented)
            return Outcome($"rejected: {name}", e.ToString());
        if (string.IsNullOrWhiteSpace(cause.Message) || cause.Message == e.Message && IsGenericWrapperMessage(e.Message))
            return Outcome($"rejected: {name}", $"the exception does not say what is wrong: {e}");
        return new Result($"rejected by {ThrownBy(cause)}: {name}", null, cause.Message);
    }

    /// <summary>Whether our loader threw, or ML.NET (its header checks, or its check that the loader read the whole block).</summary>
    private static string ThrownBy(Exception e) =>
        e.StackTrace?.Contains("at MlNet.Mlp.") == true ? "our loader" : "ML.NET";

    private static bool IsDocumented(Exception e) =>
        e is FormatException or InvalidOperationException or ArgumentException or System.Reflection.TargetInvocationException;

    /// <summary>
    /// ML.NET wraps a loader's exception: InvalidOperationException "Error during class instantiation", holding a
    /// TargetInvocationException, holding ours. The innermost exception says what is wrong.
    /// </summary>
    private static Exception RootCause(Exception e)
    {
        while (e.InnerException is { } inner)
            e = inner;
        return e;
    }

    private static bool IsGenericWrapperMessage(string message) =>
        message is "Error during class instantiation" or "Exception has been thrown by the target of an invocation.";

    private static float[] Scores(ITransformer model, SavedModel saved)
    {
        var scored = model.Transform(saved.ScoringRows);
        return saved.ScoreIsVector
            ? scored.GetColumn<float[]>("Score").SelectMany(s => s).ToArray()
            : scored.GetColumn<float>("Score").ToArray();
    }

    /// <summary>
    /// The damaged copies of one model stream: structured ones first (truncations, extreme counts), then seeded random
    /// bit flips and byte overwrites up to <see cref="CasesPerModel"/>. Only our model block is touched (after ML.NET's
    /// 256-byte header and the block's first int, written by ML.NET's base class), so that every case reaches our loader.
    /// </summary>
    private static IEnumerable<Mutation> Mutations(byte[] stream, string signature, Random random)
    {
        List<Field> fields = ModelLayout.Fields(stream, signature);
        List<Mutation> structured = [.. Truncations(stream, fields), .. ExtremeIntegers(stream, fields)];
        foreach (Mutation m in structured)
            yield return m;

        long first = fields[1].Offset;
        long end = ModelHeader.ModelStart(stream) + ModelHeader.ModelLength(stream);
        for (int i = structured.Count; i < CasesPerModel; i++)
        {
            byte[] copy = (byte[])stream.Clone();
            int position = (int)(first + random.NextInt64(end - first));
            if (random.Next(2) == 0)
            {
                int bit = random.Next(8);
                copy[position] ^= (byte)(1 << bit);
                yield return new Mutation("bit flip", $"bit {bit} of byte {position} flipped", copy);
            }
            else
            {
                byte value = (byte)random.Next(256);
                copy[position] = value;
                yield return new Mutation("byte overwrite", $"byte {position} set to 0x{value:X2}", copy);
            }
        }
    }

    /// <summary>Offsets where a section starts: every count, and every change of field kind (e.g. weights → biases).</summary>
    private static IEnumerable<long> SectionBoundaries(List<Field> fields)
    {
        for (int i = 1; i < fields.Count; i++)
        {
            if (fields[i].Kind == FieldKind.Count || fields[i].Kind != fields[i - 1].Kind || fields[i - 1].Kind == FieldKind.Count)
                yield return fields[i].Offset;
        }
    }

    private static IEnumerable<Mutation> Truncations(byte[] stream, List<Field> fields)
    {
        long start = ModelHeader.ModelStart(stream);
        foreach (long boundary in SectionBoundaries(fields))
        {
            // The model block ends early, in an otherwise consistent stream: reaches our loader's bounded reads.
            yield return new Mutation(ShortBlock, $"model block cut at {boundary}", ModelHeader.WithModelBlockCutAt(stream, boundary));

            // Only the header's CbModel shrinks: ML.NET's header checks must catch the inconsistency.
            byte[] shortLength = (byte[])stream.Clone();
            BinaryPrimitives.WriteUInt64LittleEndian(shortLength.AsSpan(ModelHeader.CbModel), (ulong)(boundary - start));
            yield return new Mutation("short CbModel", $"CbModel says the block ends at {boundary}", shortLength);

            // The file itself ends there, as in an interrupted copy.
            yield return new Mutation("truncated stream", $"stream cut at {boundary}", stream[..(int)boundary]);
        }
    }

    private static IEnumerable<Mutation> ExtremeIntegers(byte[] stream, List<Field> fields)
    {
        int[] values = [0, -1, int.MaxValue, int.MinValue];
        foreach (Field field in fields.Where(f => f.Kind is FieldKind.Count or FieldKind.Int32).Skip(1))
        {
            foreach (int value in values)
            {
                byte[] copy = (byte[])stream.Clone();
                BinaryPrimitives.WriteInt32LittleEndian(copy.AsSpan((int)field.Offset), value);
                string kind = field.Kind == FieldKind.Count ? "count replaced" : "int replaced";
                yield return new Mutation(kind, $"{field.Kind} at {field.Offset} set to {value}", copy);
            }
        }
    }
}
