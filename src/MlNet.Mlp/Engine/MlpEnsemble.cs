using System.Buffers;

namespace MlNet.Mlp.Engine;

/// <summary>
/// K independently trained networks of one architecture whose outputs are averaged, the notes' ensembles against
/// overfitting: output = (1/K) Σ_k network_k(x), in member order. A single network is an ensemble of one and scores
/// exactly as that network does.
/// </summary>
/// <remarks>
/// What is averaged is each member's output: class probabilities for a softmax output, values for an identity output,
/// and for a sigmoid output the probabilities, or the logits when the ensemble is taken <see cref="WithIdentityOutput"/>
/// (as the binary and multi-label models do, so that their score stays a finite logit). Safe to call concurrently.
/// </remarks>
public sealed class MlpEnsemble
{
    private readonly MlpNetwork[] members;

    /// <summary>Wraps the members (not copied: treat them as read-only from here on).</summary>
    /// <exception cref="ArgumentException">No members, or members of different architectures.</exception>
    public MlpEnsemble(IEnumerable<MlpNetwork> members)
    {
        ArgumentNullException.ThrowIfNull(members);
        this.members = members.ToArray();
        if (this.members.Length == 0)
            throw new ArgumentException("An ensemble needs at least one network.", nameof(members));
        MlpNetwork first = this.members[0];
        for (int k = 1; k < this.members.Length; k++)
        {
            if (!SameArchitecture(first, this.members[k]))
                throw new ArgumentException($"Member {k} differs from member 0 in its layer sizes or activations; an ensemble averages networks of one architecture.", nameof(members));
        }
    }

    /// <summary>The members, in the order they are averaged.</summary>
    public IReadOnlyList<MlpNetwork> Members => members;

    /// <summary>The number of features every member takes.</summary>
    public int InputCount => members[0].InputCount;

    /// <summary>The number of outputs of every member.</summary>
    public int OutputCount => members[0].OutputCount;

    /// <summary>The same members, each computing its output layer's pre-activations (see <see cref="MlpNetwork.WithIdentityOutput"/>).</summary>
    public MlpEnsemble WithIdentityOutput() => new(members.Select(m => m.WithIdentityOutput()));

    /// <summary>The mean of the members' outputs for one dense row.</summary>
    public void Predict(ReadOnlySpan<float> features, Span<float> output)
    {
        if (members.Length == 1)
        {
            members[0].Predict(features, output);
            return;
        }
        Average(output, new DenseRow(features));
    }

    /// <summary>The mean of the members' outputs for one sparse row (see <see cref="MlpNetwork.Predict(ReadOnlySpan{int}, ReadOnlySpan{float}, Span{float})"/>).</summary>
    public void Predict(ReadOnlySpan<int> indices, ReadOnlySpan<float> values, Span<float> output)
    {
        if (members.Length == 1)
        {
            members[0].Predict(indices, values, output);
            return;
        }
        Average(output, new SparseRow(indices, values));
    }

    /// <summary>
    /// Sums the members' outputs in double, in member order, and divides by K: members whose outputs saturate at
    /// ±float.MaxValue still average to a finite value.
    /// </summary>
    private void Average<TRow>(Span<float> output, TRow row) where TRow : IRow, allows ref struct
    {
        float[] memberOutput = ArrayPool<float>.Shared.Rent(OutputCount);
        double[] sum = ArrayPool<double>.Shared.Rent(OutputCount);
        try
        {
            Array.Clear(sum, 0, OutputCount);
            foreach (MlpNetwork member in members)
            {
                row.Predict(member, memberOutput.AsSpan(0, OutputCount));
                for (int j = 0; j < OutputCount; j++)
                    sum[j] += memberOutput[j];
            }
            for (int j = 0; j < OutputCount; j++)
                output[j] = (float)(sum[j] / members.Length);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(memberOutput);
            ArrayPool<double>.Shared.Return(sum);
        }
    }

    /// <summary>One row to score, dense or sparse, without copying it.</summary>
    private interface IRow
    {
        void Predict(MlpNetwork network, Span<float> output);
    }

    private readonly ref struct DenseRow(ReadOnlySpan<float> features) : IRow
    {
        private readonly ReadOnlySpan<float> features = features;

        public void Predict(MlpNetwork network, Span<float> output) => network.Predict(features, output);
    }

    private readonly ref struct SparseRow(ReadOnlySpan<int> indices, ReadOnlySpan<float> values) : IRow
    {
        private readonly ReadOnlySpan<int> indices = indices;
        private readonly ReadOnlySpan<float> values = values;

        public void Predict(MlpNetwork network, Span<float> output) => network.Predict(indices, values, output);
    }

    private static bool SameArchitecture(MlpNetwork a, MlpNetwork b) =>
        a.InputCount == b.InputCount && a.Layers.Count == b.Layers.Count &&
        a.Layers.Zip(b.Layers).All(pair => pair.First.OutputCount == pair.Second.OutputCount && pair.First.Activation == pair.Second.Activation);
}
