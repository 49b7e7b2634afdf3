using Sweep.Kernel;

namespace Sweep.Planning;

/// <summary>One planned run and what the database already knows of it.</summary>
internal sealed record PreviewRow(PlannedRun Run, RunStatus Status, TimeSpan? Estimate, RunHolder? Holder = null);

/// <summary>The plan of a sweep next to what is recorded: what is done, what is left, how long it may take.</summary>
internal sealed record SweepPreview(SweepPlan Plan, IReadOnlyList<PreviewRow> Rows, TimeSpan? Remaining, int UnestimatedRuns)
{
    public int Finished => Rows.Count(r => r.Status.IsFinished());

    /// <summary>Pure: the statuses and speeds come from the caller (the database, when there is one).</summary>
    public static SweepPreview Build(SweepPlan plan, IReadOnlyDictionary<string, RunStatus> statuses, IReadOnlyList<MeasuredSpeed> speeds,
        IReadOnlyDictionary<string, RunHolder>? holders = null)
    {
        var rows = plan.Runs.Select(run =>
        {
            RunStatus status = statuses.GetValueOrDefault(run.RunId, RunStatus.New);
            return new PreviewRow(run, status, status.IsFinished() ? TimeSpan.Zero : RunCostModel.Estimate(run.Config, speeds),
                holders?.GetValueOrDefault(run.RunId));
        }).ToList();
        var open = rows.Where(r => !r.Status.IsFinished()).ToList();
        int unestimated = open.Count(r => r.Estimate is null);
        TimeSpan? remaining = open.Count == 0 ? TimeSpan.Zero :
            unestimated == open.Count ? null : open.Where(r => r.Estimate is not null).Aggregate(TimeSpan.Zero, (t, r) => t + r.Estimate!.Value);
        return new SweepPreview(plan, rows, remaining, unestimated);
    }
}
