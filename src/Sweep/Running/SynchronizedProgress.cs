using Sweep.Kernel;
using Sweep.Planning;

namespace Sweep.Running;

/// <summary>Serialises progress calls from parallel runs.</summary>
internal sealed class SynchronizedProgress(ISweepProgress inner) : ISweepProgress
{
    private readonly Lock _gate = new();

    public void SweepStarting(SweepPlan plan, int toTrain, int alreadyDone, string databasePath)
    {
        lock (_gate) inner.SweepStarting(plan, toTrain, alreadyDone, databasePath);
    }

    public void RunStarting(RunTicket run)
    {
        lock (_gate) inner.RunStarting(run);
    }

    public void RunResumed(RunTicket run, int epoch)
    {
        lock (_gate) inner.RunResumed(run, epoch);
    }

    public void Warning(string message)
    {
        lock (_gate) inner.Warning(message);
    }

    public void Info(string message)
    {
        lock (_gate) inner.Info(message);
    }

    public void Batch(RunTicket run, int epoch, int batch, int batches, double overallFraction, TimeSpan? remaining)
    {
        lock (_gate) inner.Batch(run, epoch, batch, batches, overallFraction, remaining);
    }

    public void EpochFinished(RunTicket run, EpochMetrics metrics, TimeSpan? remaining)
    {
        lock (_gate) inner.EpochFinished(run, metrics, remaining);
    }

    public void RunFinished(RunTicket run, RunStatus status, string? message)
    {
        lock (_gate) inner.RunFinished(run, status, message);
    }
}
