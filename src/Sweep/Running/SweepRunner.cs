using Sweep.Kernel;
using Sweep.Planning;
using Sweep.Spec;
using Sweep.Storage;
using Sweep.Training;

namespace Sweep.Running;

/// <summary>How a sweep ended; <paramref name="ByOtherWorkers"/> counts runs other processes sharing the database finished.</summary>
internal sealed record SweepOutcome(int Planned, int Skipped, int Completed, int Diverged, IReadOnlyList<(PlannedRun Run, string Error)> Failed,
    bool Interrupted, int ByOtherWorkers = 0, int Pruned = 0);

/// <summary>
/// Trains the runs of a plan that the database does not already hold as finished: checks the
/// inputs, records the invocation, then schedules runs (or fused packs) <paramref name="parallel"/>
/// at a time through the run lifecycle. A run that fails is recorded and the sweep goes on; an
/// interrupted or killed run continues from its last checkpoint the next time. Other processes may
/// work on the same database: each run is trained by the worker that claims it, and a worker with
/// nothing left waits for the runs others hold (taking them over if their heartbeat stops).
/// </summary>
internal sealed class SweepRunner(ISweepProgress progress, int parallel = 1, bool fuse = false, int fuseMax = 0, TimeSpan? lease = null)
{
    private readonly ISweepProgress _progress = new SynchronizedProgress(progress);
    private readonly TimeSpan _lease = lease ?? ClaimKeeper.DefaultLease;

    public SweepOutcome Run(SweepPlan plan, string databasePath, CancellationToken cancel) => Run(plan, new OutputLayout(databasePath), cancel);

    public SweepOutcome Run(SweepPlan plan, OutputLayout layout, CancellationToken cancel)
    {
        var datasets = Preflight.Check(plan, _progress.Info);
        using var store = ResultsStore.OpenForWriting(layout.DatabasePath);
        var repository = new RunRepository(store, WorkerIdentity.ThisProcess());
        var (session, toTrain) = SweepSession.Start(repository, plan, layout, datasets, parallel, _lease);
        if (parallel > 1 && toTrain.Count > 1)
        {
            RunConfig first = toTrain[0].Config;
            TorchDevice.WarmUp(first, session.DataOf(first).Info, session.ThreadsPerRun(first));
        }
        _progress.SweepStarting(plan, toTrain.Count, plan.Runs.Count - toTrain.Count, layout.DatabasePath);

        var tickets = toTrain.Select((run, i) => new RunTicket(i + 1, toTrain.Count, run, RunLabel.Of(run, plan.VaryingSettings)))
            .ToDictionary(t => t.Run.RunId);
        using var claims = new ClaimKeeper(repository, _lease, _progress.Warning);
        var lifecycle = new RunLifecycle(session, _progress, claims);
        List<RunEnd> results;
        if (plan.Halving is { } halving)
        {
            var schedule = new HalvingSchedule(plan, halving, new HalvingRepository(store), _progress,
                session.FinishOnClock);
            results = schedule.Run(toTrain, (runs, rung) => RunItems(runs.Select(r => new WorkItem([r])).ToList(), lifecycle, tickets, rung, cancel), cancel);
        }
        else
        {
            IReadOnlyList<WorkItem> items = fuse ? FusionPlanner.Plan(toTrain, fuseMax) : toTrain.Select(r => new WorkItem([r])).ToList();
            results = RunItems(items, lifecycle, tickets, null, cancel);
        }
        var own = results.Where(r => !r.ByAnotherWorker).ToList();

        bool interrupted = own.Any(r => r.Status is RunStatus.Interrupted or RunStatus.New);
        if (!interrupted)
        {
            repository.FinishSweep(session.SweepId);
        }
        return new SweepOutcome(plan.Runs.Count, plan.Runs.Count - toTrain.Count,
            own.Count(r => r.Status == RunStatus.Completed), own.Count(r => r.Status == RunStatus.Diverged),
            own.Where(r => r.Status == RunStatus.Failed).Select(r => (r.Run, r.Error!)).ToList(), interrupted,
            results.Count(r => r.ByAnotherWorker), own.Count(r => r.Status == RunStatus.Pruned));
    }

    /// <summary>
    /// Trains work items <c>parallel</c> at a time through the run lifecycle (to <paramref name="stopAfterEpoch"/> when given)
    /// and returns every run's ending; items never finished here (the sweep was stopped) count as not started.
    /// </summary>
    private List<RunEnd> RunItems(IReadOnlyList<WorkItem> items, RunLifecycle lifecycle, IReadOnlyDictionary<string, RunTicket> tickets,
        int? stopAfterEpoch, CancellationToken cancel)
    {
        var ends = new IReadOnlyList<RunEnd>?[items.Count];
        var queue = new WorkQueue(items.Count, ClaimKeeper.PollInterval(_lease));
        var announced = new HashSet<string>();
        // Each worker takes the next item in plan order when it is free, so no worker idles while
        // work is left (Parallel.For hands out ranges, which left one core idle for the last runs).
        // An error that ends the sweep (the disk is full) stops the other workers at their next step.
        using var stopAll = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        void Work()
        {
            try
            {
                while (queue.TryTake(stopAll.Token, out int i))
                {
                    WorkAttempt attempt = lifecycle.Train(items[i], tickets, stopAll.Token, stopAfterEpoch);
                    if (attempt.Ends is null)
                    {
                        Announce(attempt.Held);
                        queue.Defer(i);
                        continue;
                    }
                    ends[i] = attempt.Ends;
                }
            }
            catch
            {
                stopAll.Cancel();
                throw;
            }
        }
        void Announce(IReadOnlyList<(PlannedRun Run, RunHolder Holder)> held)
        {
            foreach (var (run, holder) in held)
            {
                lock (announced)
                {
                    if (!announced.Add($"{run.RunId} {holder.Host} {holder.Pid}"))
                    {
                        continue;
                    }
                }
                _progress.Info($"{tickets[run.RunId]}: held by another worker ({holder.Describe(DateTime.UtcNow)}); " +
                    $"waiting for it to finish, or to take it over once its heartbeat is older than the lease of {_lease.TotalSeconds:0} s");
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
        return ends.SelectMany((e, i) => e ?? items[i].Runs.Select(r => new RunEnd(r, RunStatus.New, null)).ToList()).ToList();
    }
}
