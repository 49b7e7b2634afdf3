using System.Globalization;
using Sweep.Kernel;
using Sweep.Planning;
using Sweep.Spec;
using Sweep.Storage;

namespace Sweep.Running;

/// <summary>
/// Synchronous successive halving: all runs still in play train to a rung and pause there
/// (checkpoint kept); when every one has, the rung is decided from the database — the same
/// numbers give the same decisions whatever the order of training — and stored; only the kept runs
/// train on. Decisions already stored for this plan are read back, never made again, so a sweep
/// killed at any point and started again ends with exactly the decisions of an uninterrupted one.
/// </summary>
/// <param name="stopped">Told of each run a rung stops, with the rung epoch (the time-left clock counts it done there).</param>
internal sealed class HalvingSchedule(SweepPlan plan, HalvingSpec halving, HalvingRepository decisions, ISweepProgress progress, Action<PlannedRun, int> stopped)
{
    /// <summary>Trains the given runs, pausing them after the given epoch (null: to the end), and returns how each ended.</summary>
    public delegate List<RunEnd> TrainPhase(IReadOnlyList<PlannedRun> runs, int? stopAfterEpoch);

    public List<RunEnd> Run(IReadOnlyList<PlannedRun> toTrain, TrainPhase train, CancellationToken cancel)
    {
        string key = KeyOf(plan, halving);
        var lastEnd = new Dictionary<string, RunEnd>(StringComparer.Ordinal);
        var pruned = new HashSet<string>(StringComparer.Ordinal);
        // Paused at a rung (now or by an earlier invocation), as opposed to diverged or failed there.
        bool Paused(PlannedRun run) => lastEnd.GetValueOrDefault(run.RunId)?.Status is null or RunStatus.Interrupted;
        IReadOnlyList<PlannedRun> eligible = plan.Runs;
        List<PlannedRun> alive = [.. toTrain];
        foreach (int rung in halving.Rungs(plan.Runs[0].Config.Epochs))
        {
            IReadOnlyList<RungDecision>? decided = decisions.Decisions(key, rung);
            if (decided is null)
            {
                foreach (RunEnd end in train(alive, rung))
                {
                    lastEnd[end.Run.RunId] = end;
                }
                if (cancel.IsCancellationRequested || lastEnd.Values.Any(e => e.Status == RunStatus.New))
                {
                    return Results(toTrain, lastEnd, pruned);
                }
                decisions.Save(key, halving.Metric, RungDecider.Decide(halving, rung, EntriesAt(eligible, rung)));
                decided = decisions.Decisions(key, rung)!;
            }
            else
            {
                // Decided without some of them: runs that failed, never started or stopped short of the rung
                // are trained to it now (a failed run is retried, as without halving), then the decision applies.
                var progressOf = decisions.Progress(alive.Select(r => r.RunId));
                var behind = alive.Where(r => !progressOf.TryGetValue(r.RunId, out var p) || p.Status == RunStatus.Failed || p.LastEpoch < rung).ToList();
                if (behind.Count > 0)
                {
                    foreach (RunEnd end in train(behind, rung))
                    {
                        lastEnd[end.Run.RunId] = end;
                    }
                    if (cancel.IsCancellationRequested || lastEnd.Values.Any(e => e.Status == RunStatus.New))
                    {
                        return Results(toTrain, lastEnd, pruned);
                    }
                }
                // Stored already (earlier, or by another worker on this database): saving again adds no row but
                // re-marks a stopped run that a worker paused at the rung once more after the decision.
                decisions.Save(key, halving.Metric, decided);
            }
            var kept = decided.Where(d => d.Kept).Select(d => d.RunId).ToHashSet(StringComparer.Ordinal);
            foreach (PlannedRun run in alive.Where(r => !kept.Contains(r.RunId) && Paused(r)))
            {
                pruned.Add(run.RunId);
                stopped(run, rung);
            }
            Report(rung, decided);
            eligible = eligible.Where(r => kept.Contains(r.RunId)).ToList();
            // A run that diverged or failed here has ended; it goes on only in the ranking (a group keeps at least one).
            alive = alive.Where(r => kept.Contains(r.RunId) && Paused(r)).ToList();
        }
        foreach (RunEnd end in train(alive, null))
        {
            lastEnd[end.Run.RunId] = end;
        }
        return Results(toTrain, lastEnd, pruned);
    }

    /// <summary>The plan's runs and halving settings: another grid or other settings decide afresh.</summary>
    public static string KeyOf(SweepPlan plan, HalvingSpec halving) => RunIdentity.OfText(string.Join("\n",
        new[] { $"min_epochs={halving.MinEpochs}", $"eta={halving.Eta}", $"metric={halving.Metric}", $"within={string.Join(",", halving.Within)}" }
            .Concat(plan.PlannedRunIds.Order(StringComparer.Ordinal))));

    private List<RungEntry> EntriesAt(IReadOnlyList<PlannedRun> eligible, int rung)
    {
        var values = decisions.MetricAt(eligible.Select(r => r.RunId), rung, halving.Metric);
        return eligible.Select(r =>
        {
            // A run that diverged or failed (at or before the rung) ranks below every run with a number.
            double? value = values.TryGetValue(r.RunId, out var v) && v.Status is not (RunStatus.Diverged or RunStatus.Failed) ? v.Value : null;
            return new RungEntry(r.RunId, RunIdentity.ConfigurationKey(r.Config), RungDecider.GroupOf(halving, r.Config), value);
        }).ToList();
    }

    private void Report(int rung, IReadOnlyList<RungDecision> decided)
    {
        foreach (var group in decided.GroupBy(d => d.Group))
        {
            int configurations = group.Select(d => d.Rank).Distinct().Count();
            int kept = group.Where(d => d.Kept).Select(d => d.Rank).Distinct().Count();
            string where = group.Key.Length == 0 ? "" : $" with {group.Key.Replace('\n', ' ')}";
            progress.Info(string.Create(CultureInfo.InvariantCulture,
                $"halving at epoch {rung} by {halving.Metric}{where}: {kept} of {configurations} configurations go on, {group.Count(d => !d.Kept)} runs stop here"));
        }
    }

    private static List<RunEnd> Results(IReadOnlyList<PlannedRun> toTrain, Dictionary<string, RunEnd> lastEnd, HashSet<string> pruned) =>
        toTrain.Select(r => pruned.Contains(r.RunId) ? new RunEnd(r, RunStatus.Pruned, null)
            : lastEnd.GetValueOrDefault(r.RunId) ?? new RunEnd(r, RunStatus.New, null)).ToList();
}
