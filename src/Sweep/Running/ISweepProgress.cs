using Sweep.Kernel;
using Sweep.Planning;

namespace Sweep.Running;

/// <summary>A run as the progress display names it: "run 3/9 lr=1e-3 batch_size=16".</summary>
internal sealed record RunTicket(int Index, int Count, PlannedRun Run, string Label)
{
    public override string ToString() => $"[run {Index}/{Count}] {Label}";
}

/// <summary>
/// What a person watching a sweep is told. Implementations: live terminal display, plain lines.
/// With parallel runs the calls come from several threads; the runner serialises them.
/// </summary>
internal interface ISweepProgress
{
    void SweepStarting(SweepPlan plan, int toTrain, int alreadyDone, string databasePath);

    void RunStarting(RunTicket run);

    void RunResumed(RunTicket run, int epoch);

    void Warning(string message);

    void Info(string message);

    void Batch(RunTicket run, int epoch, int batch, int batches, double overallFraction, TimeSpan? remaining);

    void EpochFinished(RunTicket run, EpochMetrics metrics, TimeSpan? remaining);

    void RunFinished(RunTicket run, RunStatus status, string? message);
}
