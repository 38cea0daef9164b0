using System.Text.Json;

namespace MlNet.Mlp.Benchmarks;

/// <summary>The "RESULT {json}" lines that build/bench/compare.py parses; each carries the instruction set in use.</summary>
public static class ResultLine
{
    public static void Print(object figures)
    {
        var fields = JsonSerializer.SerializeToNode(figures)!.AsObject();
        fields["isa"] = InstructionSet.Name;
        Console.WriteLine("RESULT " + fields.ToJsonString());
    }
}
