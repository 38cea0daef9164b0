using Microsoft.ML;

namespace MlNet.Mlp.Tests.Infrastructure;

/// <summary>Collects the messages an <see cref="MLContext"/> logs (from any thread), for tests of warnings and counts.</summary>
internal static class LogCapture
{
    public static List<string> Start(MLContext ml)
    {
        var log = new List<string>();
        ml.Log += (_, e) => { lock (log) log.Add(e.Message); };
        return log;
    }
}
