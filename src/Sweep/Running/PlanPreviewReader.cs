using Sweep.Kernel;
using Sweep.Planning;
using Sweep.Storage;

namespace Sweep.Running;

/// <summary>Builds the preview of a plan from the results database, read-only; a missing database means nothing is recorded yet.</summary>
internal static class PlanPreviewReader
{
    public static SweepPreview Read(SweepPlan plan, string databasePath)
    {
        IReadOnlyDictionary<string, RunStatus> statuses = new Dictionary<string, RunStatus>();
        IReadOnlyList<MeasuredSpeed> speeds = [];
        IReadOnlyDictionary<string, RunHolder> holders = new Dictionary<string, RunHolder>();
        using ResultsStore? store = ResultsStore.OpenIfRecorded(databasePath);
        if (store is not null)
        {
            var repository = new RunRepository(store);
            statuses = repository.StatusOf(plan.Runs.Select(r => r.RunId));
            speeds = repository.TrainingSpeeds();
            holders = repository.Holders(plan.Runs.Select(r => r.RunId));
        }
        return SweepPreview.Build(plan, statuses, speeds, holders);
    }
}
