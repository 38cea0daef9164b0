using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace MlNet.Mlp.Trainers;

/// <summary>
/// The bound mapper of a model with K outputs: adds one known-size vector column per <see cref="VectorOutputColumn"/>,
/// computed from the feature column. ML.NET's scorer passes these columns through, which is how the model's
/// prediction transformer adds <c>Score</c> (and <c>Probability</c>, <c>PredictedLabel</c>) to the data.
/// </summary>
internal sealed class VectorOutputRowMapper : ISchemaBoundRowMapper
{
    private readonly IReadOnlyList<VectorOutputColumn> _columns;
    private readonly int _featureCount;
    private readonly int _outputCount;
    private readonly OutputComputer _compute;

    /// <summary>Binds to <paramref name="schema"/>, whose feature column must be a vector of <paramref name="featureCount"/> Singles.</summary>
    public VectorOutputRowMapper(IHostEnvironment env, ISchemaBindableMapper bindable, RoleMappedSchema schema, string scoreColumnKind,
        IReadOnlyList<VectorOutputColumn> columns, int featureCount, int outputCount, OutputComputer compute)
    {
        Contracts.CheckValue(env, nameof(env));
        env.CheckValue(schema, nameof(schema));
        if (!schema.Feature.HasValue)
            throw env.ExceptParam(nameof(schema), "The data has no feature column to score.");
        DataViewSchema.Column feature = schema.Feature.Value;
        if (feature.Type is not VectorDataViewType { ItemType: NumberDataViewType { RawType: var raw }, Size: var size } || raw != typeof(float) || size != featureCount)
            throw env.ExceptSchemaMismatch(nameof(schema), "feature", feature.Name, $"Vector<Single, {featureCount}>", feature.Type.ToString());
        Bindable = bindable;
        InputRoleMappedSchema = schema;
        _columns = columns;
        _featureCount = featureCount;
        _outputCount = outputCount;
        _compute = compute;
        OutputSchema = BuildOutputSchema(scoreColumnKind);
    }

    public ISchemaBindableMapper Bindable { get; }

    public RoleMappedSchema InputRoleMappedSchema { get; }

    public DataViewSchema InputSchema => InputRoleMappedSchema.Schema;

    public DataViewSchema OutputSchema { get; }

    public IEnumerable<KeyValuePair<RoleMappedSchema.ColumnRole, string>> GetInputColumnRoles()
    {
        yield return RoleMappedSchema.ColumnRole.Feature.Bind(InputRoleMappedSchema.Feature!.Value.Name);
    }

    public IEnumerable<DataViewSchema.Column> GetDependenciesForNewColumns(IEnumerable<DataViewSchema.Column> dependingColumns) =>
        dependingColumns.Any() ? [InputRoleMappedSchema.Feature!.Value] : [];

    public DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns)
    {
        var active = activeColumns.Select(c => c.Index).ToHashSet();
        var getters = new Delegate[_columns.Count];
        if (active.Count > 0)
        {
            var outputs = new RowOutputs(input, InputRoleMappedSchema.Feature!.Value, _featureCount, _outputCount, _compute);
            for (int c = 0; c < _columns.Count; c++)
            {
                if (active.Contains(c))
                    getters[c] = _columns[c].CreateGetter(outputs);
            }
        }
        return new SimpleRow(OutputSchema, input, getters);
    }

    private DataViewSchema BuildOutputSchema(string scoreColumnKind)
    {
        var builder = new DataViewSchema.Builder();
        foreach (VectorOutputColumn column in _columns)
        {
            var annotations = new DataViewSchema.Annotations.Builder();
            annotations.Add(AnnotationUtils.Kinds.ScoreColumnKind, TextDataViewType.Instance,
                (ref ReadOnlyMemory<char> value) => value = scoreColumnKind.AsMemory());
            annotations.Add(AnnotationUtils.Kinds.ScoreValueKind, TextDataViewType.Instance,
                (ref ReadOnlyMemory<char> value) => value = column.ValueKind.AsMemory());
            builder.AddColumn(column.Name, new VectorDataViewType(column.ItemType, _outputCount), annotations.ToAnnotations());
        }
        return builder.ToSchema();
    }
}
