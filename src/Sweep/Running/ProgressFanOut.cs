using Sweep.Kernel;
using Sweep.Planning;

namespace Sweep.Running;

/// <summary>Tells the display and then each observer (the live report) of every progress event, in that order.</summary>
internal sealed class ProgressFanOut(ISweepProgress display, params IReadOnlyList<ISweepProgress> observers) : ISweepProgress
{
    private IEnumerable<ISweepProgress> All => observers.Prepend(display);

    public void SweepStarting(SweepPlan plan, int toTrain, int alreadyDone, string databasePath)
    {
        foreach (var p in All) p.SweepStarting(plan, toTrain, alreadyDone, databasePath);
    }

    public void RunStarting(RunTicket run)
    {
        foreach (var p in All) p.RunStarting(run);
    }

    public void RunResumed(RunTicket run, int epoch)
    {
        foreach (var p in All) p.RunResumed(run, epoch);
    }

    public void Warning(string message)
    {
        foreach (var p in All) p.Warning(message);
    }

    public void Info(string message)
    {
        foreach (var p in All) p.Info(message);
    }

    public void Batch(RunTicket run, int epoch, int batch, int batches, double overallFraction, TimeSpan? remaining)
    {
        foreach (var p in All) p.Batch(run, epoch, batch, batches, overallFraction, remaining);
    }

    public void EpochFinished(RunTicket run, EpochMetrics metrics, TimeSpan? remaining)
    {
        foreach (var p in All) p.EpochFinished(run, metrics, remaining);
    }

    public void RunFinished(RunTicket run, RunStatus status, string? message)
    {
        foreach (var p in All) p.RunFinished(run, status, message);
    }
}
