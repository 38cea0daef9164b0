namespace MlNet.Mlp.Benchmarks.Fashion;

/// <summary>This process's resident memory from /proc/self/status (Linux only).</summary>
public static class ProcessMemory
{
    /// <summary>The peak resident set ("high-water mark") so far, in bytes.</summary>
    public static long PeakResidentBytes() => StatusKilobytes("VmHWM:") * 1024;

    /// <summary>The resident set now, in bytes.</summary>
    public static long ResidentBytes() => StatusKilobytes("VmRSS:") * 1024;

    private static long StatusKilobytes(string field)
    {
        string line = File.ReadLines("/proc/self/status").First(l => l.StartsWith(field, StringComparison.Ordinal));
        return long.Parse(line[field.Length..].Trim().Split(' ')[0]);
    }
}
