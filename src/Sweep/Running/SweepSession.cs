using Sweep.Data;
using Sweep.Kernel;
using Sweep.Planning;
using Sweep.Spec;
using Sweep.Storage;
using Sweep.Training;

namespace Sweep.Running;

/// <summary>
/// One invocation of a sweep as recorded in the database: its row, its environment, where its
/// outputs go, the data sets it trains on and the clock that estimates the time left.
/// </summary>
internal sealed record SweepSession(
    RunRepository Repository, long SweepId, long EnvironmentId, OutputLayout Layout, CheckpointStore Checkpoints,
    IReadOnlyDictionary<DataRequest, DatasetPair> Datasets, WorkClock Clock, int Parallel, TimeSpan Lease)
{
    /// <summary>
    /// Records the invocation with its plan, links the runs already finished, and returns the
    /// session with the runs still to train, in plan order.
    /// </summary>
    public static (SweepSession Session, IReadOnlyList<PlannedRun> ToTrain) Start(
        RunRepository repository, SweepPlan plan, OutputLayout layout, IReadOnlyDictionary<DataRequest, DatasetPair> datasets, int parallel, TimeSpan lease)
    {
        long sweepId = repository.StartSweep(plan);
        var statuses = repository.StatusOf(plan.Runs.Select(r => r.RunId));
        var toTrain = plan.Runs.Where(r => !statuses.GetValueOrDefault(r.RunId, RunStatus.New).IsFinished()).ToList();
        foreach (PlannedRun done in plan.Runs.Except(toTrain))
        {
            repository.LinkRun(sweepId, done.RunId);
        }
        RunConfig first = (toTrain.FirstOrDefault() ?? plan.Runs[0]).Config;
        long environmentId = repository.RecordEnvironment(sweepId,
            EnvironmentProbe.Capture(DeviceName(first), ThreadsPerRun(first, parallel), Path.GetDirectoryName(plan.SourcePath)!));
        var clock = new WorkClock(PlannedImages(plan, toTrain, datasets));
        var session = new SweepSession(repository, sweepId, environmentId, layout, new CheckpointStore(layout.CheckpointFolder), datasets, clock, parallel, lease);
        return (session, toTrain);
    }

    public DatasetPair DataOf(RunConfig config) => Datasets[DataRequest.For(config)];

    /// <summary>Counts a run done on the time-left clock once it has trained <paramref name="epochs"/> epochs.</summary>
    public void FinishOnClock(PlannedRun run, int epochs) => Clock.Finish(run.RunId, (long)epochs * DataOf(run.Config).Train.Count);

    /// <summary>Images the runs will train: every epoch, or with halving the plan's budget share of them (an estimate: survivors are not known yet).</summary>
    private static long PlannedImages(SweepPlan plan, IReadOnlyList<PlannedRun> toTrain, IReadOnlyDictionary<DataRequest, DatasetPair> datasets)
    {
        long all = toTrain.Sum(r => (long)r.Config.Epochs * datasets[DataRequest.For(r.Config)].Train.Count);
        if (plan.Halving is not { } halving || plan.Runs.Count == 0)
        {
            return all;
        }
        var (halved, full) = RungDecider.EpochBudget(halving, plan.Runs);
        return (long)(all * (double)halved / full);
    }

    /// <summary>
    /// Torch threads per run: the run's share of the cores when several train at once, except that
    /// a deterministic run with an explicit <c>threads</c> gets exactly that many whatever
    /// <c>--parallel</c> is — the thread count changes how sums are split, hence the numbers.
    /// </summary>
    public int ThreadsPerRun(RunConfig config) => ThreadsPerRun(config, Parallel);

    public static string DeviceName(RunConfig config) => TorchDevice.NameOf(config.Device);

    private static int ThreadsPerRun(RunConfig config, int parallel) =>
        config.Deterministic && config.Threads > 0 ? config.Threads : Math.Max(1, TorchDevice.ThreadsFor(config) / Math.Max(1, parallel));
}
