using System.Diagnostics;
using Microsoft.ML;
using MlNet.Mlp.ModelLoader;

namespace MlNet.Mlp.Tests.Infrastructure;

/// <summary>Runs test/MlNet.Mlp.ModelLoader in a child process: a fresh runtime that never saw our types.</summary>
internal static class ModelLoaderProcess
{
    /// <summary>
    /// Saves <paramref name="model"/> and <paramref name="data"/> to a temporary folder, scores the data in this process
    /// (<see cref="ScoreFormatter"/>) and in a new one from the saved files: the two sets of lines a bit-for-bit
    /// save/load test compares.
    /// </summary>
    public static (List<string> Expected, string[] Actual) SaveAndScore(MLContext ml, ITransformer model, IDataView data)
    {
        string directory = Directory.CreateTempSubdirectory("mlnet-mlp-").FullName;
        try
        {
            string modelPath = Path.Combine(directory, "model.zip");
            string dataPath = Path.Combine(directory, "data.idv");
            ml.Model.Save(model, data.Schema, modelPath);
            using (var stream = File.Create(dataPath))
                ml.Data.SaveAsBinary(data, stream);
            return (ScoreFormatter.Format(model.Transform(data)), Score(modelPath, dataPath));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

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
