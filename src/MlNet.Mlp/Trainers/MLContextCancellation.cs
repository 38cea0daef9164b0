using System.Reflection;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace Microsoft.ML;

/// <summary>Makes ML.NET's training cancellation reachable from user code, and leaves the context usable afterwards.</summary>
public static class MLContextCancellation
{
    /// <summary>
    /// Stops every training running on <paramref name="mlContext"/>: our trainers check before every mini-batch and
    /// throw <see cref="OperationCanceledException"/>. Unlike ML.NET's own (internal) cancellation, the context stays
    /// usable: estimators created afterwards, and this library's trainers whenever they were created, <c>Fit</c>
    /// normally.
    /// </summary>
    /// <remarks>
    /// ML.NET's own estimators created before the call (a normaliser, an ML.NET trainer) stay cancelled, since ML.NET
    /// cancels a training by marking the host of its estimator, for good; create them, and so the pipeline, again.
    /// Ours are not affected because each of their Fits registers a host of its own.
    /// </remarks>
    public static void CancelExecution(this MLContext mlContext)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        // MLContext's own CancelExecution (internal; we compile against the publicized reference) marks every host
        // registered so far as cancelled, which stops the running trainings...
        mlContext.CancelExecution();
        // ...and also marks the context itself, after which every new host is born cancelled. Clearing that flag
        // keeps the running trainings cancelled (their hosts keep theirs) while later ones run.
        IsCanceledProperty.SetValue(mlContext._env, false);
    }

    private static readonly PropertyInfo IsCanceledProperty =
        typeof(HostEnvironmentBase<LocalEnvironment>).GetProperty(nameof(HostEnvironmentBase<LocalEnvironment>.IsCanceled))
        ?? throw new MissingMemberException("ML.NET's HostEnvironmentBase.IsCanceled is gone: see README, 'How the ML.NET integration works'.");
}
