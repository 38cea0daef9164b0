using System.Diagnostics;

namespace MlNet.Mlp.Tests.Infrastructure;

/// <summary>Runs test/MlNet.Mlp.ModelLoader in a child process: a fresh runtime that never saw our types.</summary>
internal static class ModelLoaderProcess
{
    /// <summary>Loads <paramref name="modelPath"/> in a new process, scores <paramref name="dataPath"/> (.idv) and returns the output lines.</summary>
    public static string[] Score(string modelPath, string dataPath)
    {
        string loader = Path.Combine(AppContext.BaseDirectory, "MlNet.Mlp.ModelLoader.dll");
        string output = Path.Combine(Path.GetTempPath(), $"mlnet-mlp-scores-{Guid.NewGuid():N}.txt");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add(loader);
        start.ArgumentList.Add(modelPath);
        start.ArgumentList.Add(dataPath);
        start.ArgumentList.Add(output);
        using Process process = Process.Start(start)!;
        string stderr = process.StandardError.ReadToEnd();
        process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(120_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("The model loader process did not finish in 120 s.");
        }
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"The model loader process failed with exit code {process.ExitCode}:\n{stderr}");
        try
        {
            return File.ReadAllLines(output);
        }
        finally
        {
            File.Delete(output);
        }
    }
}
