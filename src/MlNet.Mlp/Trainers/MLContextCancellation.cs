namespace Microsoft.ML;

/// <summary>Makes ML.NET's training cancellation reachable from user code.</summary>
public static class MLContextCancellation
{
    /// <summary>
    /// Asks every training running on <paramref name="mlContext"/> to stop. Our trainers check between mini-batches
    /// and throw <see cref="OperationCanceledException"/>; the context stays usable for the next <c>Fit</c>.
    /// </summary>
    /// <remarks>ML.NET 5.0.1 implements this but keeps it internal; this extension calls it.</remarks>
    public static void CancelExecution(this MLContext mlContext)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        // Binds to MLContext's own (internal) CancelExecution: we compile against the publicized reference.
        mlContext.CancelExecution();
    }
}
