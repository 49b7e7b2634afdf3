using Sweep.Configuration;
using Sweep.Training;

namespace Sweep.Execution;

/// <summary>What a person watching a sweep is told. Implementations: live terminal display, plain lines.</summary>
internal interface ISweepProgress
{
    void SweepStarting(SweepPlan plan, int toTrain, int alreadyDone, string databasePath);

    void RunStarting(int index, int count, PlannedRun run, IReadOnlyList<string> varying);

    void Batch(int epoch, int epochs, int batch, int batches, double overallFraction, TimeSpan? remaining);

    void EpochFinished(PlannedRun run, EpochMetrics metrics, TimeSpan? remaining);

    void RunFinished(PlannedRun run, string status, string? message);
}
