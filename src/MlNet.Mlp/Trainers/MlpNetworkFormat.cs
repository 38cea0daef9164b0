using Microsoft.ML;
using Microsoft.ML.Runtime;
using MlNet.Mlp.Engine;

namespace MlNet.Mlp.Trainers;

/// <summary>
/// How every MLP model writes its networks and training reports into its block (the fields before the task's own):
/// <code>
/// member 0:   int layers L (≥ 1), int inputs (≥ 1),
///             L times: int outputs (≥ 1), int activation (Engine.Activation), float[outputs × inputs] weights, float[outputs] biases
/// report 0:   int epochs E; E times: double training loss, byte has validation loss, double validation loss,
///             byte has validation accuracy, double validation accuracy, long elapsed ticks;
///             int best epoch, int stop reason, byte restored best weights, int validation rows
/// from 0x00010003:
///   byte: input stage (0 none, 1 robust scaling); if 1: float[inputs] centres, float[inputs] scales (&gt; 0)
///   int: further ensemble members M (≥ 0); M times: a member and its report as above, of member 0's architecture
/// </code>
/// A file of an earlier version ends after report 0: one network, no input stage.
/// </summary>
internal static class MlpNetworkFormat
{
    public static void Write(BinaryWriter writer, MlpEnsemble ensemble, IReadOnlyList<TrainingReport> reports)
    {
        WriteNetwork(writer, ensemble.Members[0]);
        WriteReport(writer, reports[0]);
        WriteInputStage(writer, ensemble.Members[0].InputScaling);
        writer.Write(ensemble.Members.Count - 1);
        for (int k = 1; k < ensemble.Members.Count; k++)
        {
            WriteNetwork(writer, ensemble.Members[k]);
            WriteReport(writer, reports[k]);
        }
    }

    public static (MlpEnsemble Ensemble, TrainingReport[] Reports) Read(IHost host, ModelLoadContext ctx)
    {
        MlpNetwork first = ReadNetwork(host, ctx);
        TrainingReport firstReport = ReadReport(host, ctx);
        if (ctx.Header.ModelVerWritten < ModelFormat.EnsembleVersion)
            return (new MlpEnsemble([first]), [firstReport]);
        RobustFeatureScaling? stage = ReadInputStage(host, ctx, first.InputCount);
        // A member takes at least its two counts, one layer header and one weight and bias; its report 29 bytes.
        int further = ModelFormat.ReadCount(host, ctx, 8 + 16 + 29, "the number of further ensemble members");
        var members = new List<MlpNetwork>(further + 1) { first.WithInputScaling(stage) };
        var reports = new List<TrainingReport>(further + 1) { firstReport };
        for (int k = 1; k <= further; k++)
        {
            members.Add(ReadNetwork(host, ctx).WithInputScaling(stage));
            // A member's place in the file is its index, which the report's epochs carry (not written).
            reports.Add(ReadReport(host, ctx).ForMember(k));
        }
        try
        {
            return (new MlpEnsemble(members), reports.ToArray());
        }
        catch (ArgumentException e)
        {
            throw host.ExceptDecode($"Corrupt model file: {e.Message}");
        }
    }

    private static void WriteNetwork(BinaryWriter writer, MlpNetwork network)
    {
        writer.Write(network.Layers.Count);
        writer.Write(network.InputCount);
        foreach (DenseLayer layer in network.Layers)
        {
            writer.Write(layer.OutputCount);
            writer.Write((int)layer.Activation);
            foreach (float w in layer.Weights)
                writer.Write(w);
            foreach (float b in layer.Bias)
                writer.Write(b);
        }
    }

    private static MlpNetwork ReadNetwork(IHost host, ModelLoadContext ctx)
    {
        // Each layer takes at least 8 bytes of header and 8 bytes of one weight and one bias.
        int layerCount = ModelFormat.ReadCount(host, ctx, 16, "the number of layers", minimum: 1);
        int inputs = ModelFormat.ReadCount(host, ctx, sizeof(float), "the number of inputs", minimum: 1);
        var layers = new List<DenseLayer>(layerCount);
        for (int l = 0; l < layerCount; l++)
        {
            int outputs = ModelFormat.ReadCount(host, ctx, sizeof(float), $"the size of layer {l}", minimum: 1);
            int activationCode = ModelFormat.ReadInt32(host, ctx, $"the activation of layer {l}");
            if (!Enum.IsDefined(typeof(Activation), activationCode))
                throw host.ExceptDecode($"Corrupt model file: layer {l} has unknown activation code {activationCode}.");
            var activation = (Activation)activationCode;
            bool isOutput = l == layerCount - 1;
            if (activation == Activation.Softmax && !isOutput)
                throw host.ExceptDecode($"Corrupt model file: hidden layer {l} uses softmax.");
            long weightCount = (long)outputs * inputs;
            if ((weightCount + outputs) * sizeof(float) > ModelFormat.RemainingBytes(ctx))
                throw host.ExceptDecode($"Corrupt model file: layer {l} claims {outputs}×{inputs} weights, more than the bytes that remain.");
            float[] weights = ModelFormat.ReadFiniteSingles(host, ctx, (int)weightCount, $"the weights of layer {l}");
            float[] bias = ModelFormat.ReadFiniteSingles(host, ctx, outputs, $"the biases of layer {l}");
            layers.Add(new DenseLayer(inputs, outputs, activation, weights, bias));
            inputs = outputs;
        }
        return new MlpNetwork(layers);
    }

    private static void WriteInputStage(BinaryWriter writer, RobustFeatureScaling? stage)
    {
        writer.Write((byte)(stage is null ? 0 : 1));
        if (stage is null)
            return;
        foreach (float center in stage.Center)
            writer.Write(center);
        foreach (float scale in stage.Scale)
            writer.Write(scale);
    }

    private static RobustFeatureScaling? ReadInputStage(IHost host, ModelLoadContext ctx, int inputs)
    {
        byte kind = ModelFormat.ReadByte(host, ctx, "the input stage");
        if (kind > 1)
            throw host.ExceptDecode($"Corrupt model file: unknown input stage {kind}.");
        if (kind == 0)
            return null;
        float[] centers = ModelFormat.ReadFiniteSingles(host, ctx, inputs, "the input stage's centres");
        float[] scales = ModelFormat.ReadFiniteSingles(host, ctx, inputs, "the input stage's scales");
        int bad = Array.FindIndex(scales, s => !(s > 0));
        if (bad >= 0)
            throw host.ExceptDecode($"Corrupt model file: the input stage's scale {bad} is {scales[bad]}, expected a positive value.");
        return new RobustFeatureScaling(centers, scales);
    }

    private static void WriteReport(BinaryWriter writer, TrainingReport report)
    {
        writer.Write(report.Epochs.Count);
        foreach (EpochSummary epoch in report.Epochs)
        {
            writer.Write(epoch.TrainingLoss);
            writer.Write((byte)(epoch.ValidationLoss.HasValue ? 1 : 0));
            writer.Write(epoch.ValidationLoss ?? 0);
            writer.Write((byte)(epoch.ValidationAccuracy.HasValue ? 1 : 0));
            writer.Write(epoch.ValidationAccuracy ?? 0);
            writer.Write(epoch.Elapsed.Ticks);
        }
        writer.Write(report.BestEpoch);
        writer.Write((int)report.StopReason);
        writer.Write((byte)(report.RestoredBestWeights ? 1 : 0));
        writer.Write(report.ValidationExampleCount);
    }

    private static TrainingReport ReadReport(IHost host, ModelLoadContext ctx)
    {
        const int bytesPerEpoch = 8 + 1 + 8 + 1 + 8 + 8;
        int epochCount = ModelFormat.ReadCount(host, ctx, bytesPerEpoch, "the number of epochs in the training report");
        var epochs = new EpochSummary[epochCount];
        for (int e = 0; e < epochCount; e++)
        {
            double trainingLoss = ModelFormat.ReadDouble(host, ctx, $"the training loss of epoch {e + 1}");
            bool hasValidationLoss = ModelFormat.ReadBoolean(host, ctx, "a validation-loss flag");
            double validationLoss = ModelFormat.ReadDouble(host, ctx, $"the validation loss of epoch {e + 1}");
            bool hasAccuracy = ModelFormat.ReadBoolean(host, ctx, "a validation-accuracy flag");
            double accuracy = ModelFormat.ReadDouble(host, ctx, $"the validation accuracy of epoch {e + 1}");
            long ticks = ModelFormat.ReadInt64(host, ctx, $"the time of epoch {e + 1}");
            if (ticks < 0)
                throw host.ExceptDecode($"Corrupt model file: epoch {e + 1} took a negative time.");
            epochs[e] = new EpochSummary(e + 1, trainingLoss, hasValidationLoss ? validationLoss : null,
                hasAccuracy ? accuracy : null, TimeSpan.FromTicks(ticks));
        }
        int bestEpoch = ModelFormat.ReadInt32(host, ctx, "the best epoch");
        if (bestEpoch < 0 || bestEpoch > epochCount)
            throw host.ExceptDecode($"Corrupt model file: the best epoch is {bestEpoch}, outside 0..{epochCount}.");
        int stopReason = ModelFormat.ReadInt32(host, ctx, "the stop reason");
        if (!Enum.IsDefined(typeof(StopReason), stopReason))
            throw host.ExceptDecode($"Corrupt model file: unknown stop reason {stopReason}.");
        bool restored = ModelFormat.ReadBoolean(host, ctx, "the restored-best-weights flag");
        int validationRows = ModelFormat.ReadInt32(host, ctx, "the number of validation rows");
        if (validationRows < 0)
            throw host.ExceptDecode($"Corrupt model file: the validation set has {validationRows} rows.");
        return new TrainingReport(epochs, bestEpoch, (StopReason)stopReason, restored, validationRows);
    }
}
