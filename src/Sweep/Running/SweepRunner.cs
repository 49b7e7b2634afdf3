using Sweep.Kernel;
using Sweep.Planning;
using Sweep.Storage;

namespace Sweep.Running;

/// <summary>How a sweep ended.</summary>
internal sealed record SweepOutcome(int Planned, int Skipped, int Completed, int Diverged, IReadOnlyList<(PlannedRun Run, string Error)> Failed, bool Interrupted);

/// <summary>
/// Trains the runs of a plan that the database does not already hold as finished: checks the
/// inputs, records the invocation, then schedules runs (or fused packs) <paramref name="parallel"/>
/// at a time through the run lifecycle. A run that fails is recorded and the sweep goes on; an
/// interrupted or killed run continues from its last checkpoint the next time.
/// </summary>
internal sealed class SweepRunner(ISweepProgress progress, int parallel = 1, bool fuse = false, int fuseMax = 0)
{
    private readonly ISweepProgress _progress = new SynchronizedProgress(progress);

    public SweepOutcome Run(SweepPlan plan, string databasePath, CancellationToken cancel) => Run(plan, new OutputLayout(databasePath), cancel);

    public SweepOutcome Run(SweepPlan plan, OutputLayout layout, CancellationToken cancel)
    {
        var datasets = Preflight.Check(plan);
        using var connection = ResultsDatabase.OpenForWriting(layout.DatabasePath);
        var repository = new RunRepository(connection);
        var (session, toTrain) = SweepSession.Start(repository, plan, layout, datasets, parallel);
        _progress.SweepStarting(plan, toTrain.Count, plan.Runs.Count - toTrain.Count, layout.DatabasePath);

        var tickets = toTrain.Select((run, i) => new RunTicket(i + 1, toTrain.Count, run, RunLabel.Of(run, plan.VaryingSettings)))
            .ToDictionary(t => t.Run.RunId);
        IReadOnlyList<WorkItem> items = fuse ? FusionPlanner.Plan(toTrain, fuseMax) : toTrain.Select(r => new WorkItem([r])).ToList();
        var lifecycle = new RunLifecycle(session, _progress);
        var ends = new IReadOnlyList<RunEnd>[items.Count];
        // Each worker takes the next item in plan order when it is free, so no worker idles while
        // work is left (Parallel.For hands out ranges, which left one core idle for the last runs).
        int next = -1;
        void Work()
        {
            for (int i = Interlocked.Increment(ref next); i < items.Count; i = Interlocked.Increment(ref next))
            {
                var group = items[i].Runs.Select(r => tickets[r.RunId]).ToList();
                ends[i] = cancel.IsCancellationRequested ? group.Select(t => new RunEnd(t.Run, RunStatus.New, null)).ToList()
                    : items[i].IsPack ? lifecycle.TrainPack(group, cancel)
                    : [lifecycle.TrainAlone(group[0], cancel)];
            }
        }
        int workers = Math.Clamp(parallel, 1, Math.Max(1, items.Count));
        if (workers == 1)
        {
            Work();
        }
        else
        {
            var tasks = Enumerable.Range(0, workers).Select(_ => Task.Factory.StartNew(Work, TaskCreationOptions.LongRunning)).ToArray();
            try
            {
                Task.WaitAll(tasks);
            }
            catch (AggregateException all)
            {
                // The first error, as it was thrown, reaches the command's error handling.
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(all.InnerExceptions[0]).Throw();
            }
        }
        var results = ends.SelectMany(e => e).ToList();

        bool interrupted = results.Any(r => r.Status is RunStatus.Interrupted or RunStatus.New);
        if (!interrupted)
        {
            repository.FinishSweep(session.SweepId);
        }
        return new SweepOutcome(plan.Runs.Count, plan.Runs.Count - toTrain.Count,
            results.Count(r => r.Status == RunStatus.Completed), results.Count(r => r.Status == RunStatus.Diverged),
            results.Where(r => r.Status == RunStatus.Failed).Select(r => (r.Run, r.Error!)).ToList(), interrupted);
    }
}
