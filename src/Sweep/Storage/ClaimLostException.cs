namespace Sweep.Storage;

/// <summary>
/// This worker no longer holds the claim of a run it was training: its heartbeat lapsed (the
/// process was paused or cut off longer than the lease) and another worker took the run over.
/// Nothing more is written for the run by this worker.
/// </summary>
internal sealed class ClaimLostException(string runId)
    : Exception($"run {runId} was taken over by another worker after this worker's heartbeat lapsed; leaving it to that worker")
{
    public string RunId { get; } = runId;
}
