using Sweep.Configuration;
using Sweep.Data;
using Sweep.Storage;
using Sweep.Training;

namespace Sweep.Execution;

/// <summary>How a sweep ended.</summary>
internal sealed record SweepOutcome(int Planned, int Skipped, int Completed, int Diverged, IReadOnlyList<(PlannedRun Run, string Error)> Failed, bool Interrupted);

/// <summary>
/// Trains the runs of a plan that the database does not already hold as finished, through the
/// shared trainer, <paramref name="parallel"/> at a time, committing each epoch as it ends and
/// checkpointing it beside the database. A run that fails is recorded and the sweep goes on; an
/// interrupted or killed run continues from its last checkpoint the next time.
/// </summary>
internal sealed partial class SweepRunner(ISweepProgress progress, int parallel = 1, bool fuse = false, int fuseMax = 0)
{
    private static readonly HashSet<string> FinishedStatuses = ["completed", "diverged"];
    private readonly ISweepProgress _progress = new SynchronizedProgress(progress);

    public SweepOutcome Run(SweepPlan plan, string databasePath, CancellationToken cancel)
    {
        // Everything the user can get wrong is checked before the database is touched.
        var datasets = LoadDatasets(plan);
        foreach (string device in plan.Runs.Select(r => r.Config.Device).Distinct())
        {
            TorchDevice.Resolve(device);
        }

        using var connection = ResultsDatabase.OpenForWriting(databasePath);
        var repository = new RunRepository(connection);
        long sweepId = repository.StartSweep(plan);
        var statuses = repository.StatusOf(plan.Runs.Select(r => r.RunId));
        var toTrain = plan.Runs.Where(r => !FinishedStatuses.Contains(statuses.GetValueOrDefault(r.RunId, ""))).ToList();
        foreach (PlannedRun done in plan.Runs.Except(toTrain))
        {
            repository.LinkRun(sweepId, done.RunId);
        }
        _progress.SweepStarting(plan, toTrain.Count, plan.Runs.Count - toTrain.Count, databasePath);

        RunConfig first = (toTrain.FirstOrDefault() ?? plan.Runs[0]).Config;
        string device0 = DeviceName(first);
        long environmentId = repository.RecordEnvironment(sweepId,
            EnvironmentProbe.Capture(device0, ThreadsPerRun(first), Path.GetDirectoryName(plan.SourcePath)!));

        string folder = Path.GetDirectoryName(Path.GetFullPath(databasePath))!;
        var context = new SweepContext(repository, sweepId, environmentId, new CheckpointStore(Path.Combine(folder, "checkpoints")),
            Path.Combine(folder, "models"), plan, datasets,
            new WorkClock(toTrain.Sum(r => (long)r.Config.Epochs * datasets[DataKey(r.Config)].Train.Count)));

        var tickets = toTrain.Select((run, i) => new RunTicket(i + 1, toTrain.Count, run, RunLabel.Of(run, plan.VaryingSettings)))
            .ToDictionary(t => t.Run.RunId);
        IReadOnlyList<Fusion.WorkItem> items = fuse ? Fusion.FusionPlanner.Plan(toTrain, fuseMax) : toTrain.Select(r => new Fusion.WorkItem([r])).ToList();
        var ends = new List<RunEnd>[items.Count];
        var options = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallel) };
        Parallel.For(0, items.Count, options, i =>
        {
            var group = items[i].Runs.Select(r => tickets[r.RunId]).ToList();
            ends[i] = cancel.IsCancellationRequested ? group.Select(t => new RunEnd(t.Run, "skipped", null)).ToList()
                : items[i].IsPack ? TrainPack(group, context, cancel)
                : [TrainOne(group[0], context, cancel)];
        });
        var results = ends.SelectMany(e => e).ToList();

        bool interrupted = results.Any(r => r.Status is "interrupted" or "skipped");
        if (!interrupted)
        {
            repository.FinishSweep(sweepId);
        }
        return new SweepOutcome(plan.Runs.Count, plan.Runs.Count - toTrain.Count,
            results.Count(r => r.Status == "completed"), results.Count(r => r.Status == "diverged"),
            results.Where(r => r.Status == "failed").Select(r => (r.Run, r.Error!)).ToList(), interrupted);
    }

    private RunEnd TrainOne(RunTicket ticket, SweepContext context, CancellationToken cancel)
    {
        PlannedRun run = ticket.Run;
        DatasetPair data = context.Datasets[DataKey(run.Config)];
        long plannedImages = (long)run.Config.Epochs * data.Train.Count;
        _progress.RunStarting(ticket);
        int resumeEpoch = ResumableEpoch(run, context);
        int threads = ThreadsPerRun(run.Config);
        context.Repository.BeginRun(context.SweepId, context.EnvironmentId, run, DeviceName(run.Config), threads);
        context.Repository.RecordTraining(run.RunId, null, run.Config.Seed);
        var observer = new RunObserver(context, _progress, ticket, data.Train.Count);
        string? modelPath = run.Config.SaveModel ? Path.Combine(context.ModelFolder, run.RunId + ".pt") : null;
        var trainerOptions = new TrainerOptions(threads, context.Checkpoints, run.RunId, modelPath, ResumeEpoch: resumeEpoch);
        try
        {
            RunResult result = new Trainer().Train(run.Config, data, observer, cancel, trainerOptions);
            string status = result.Outcome == RunOutcome.Diverged ? "diverged" : "completed";
            context.Repository.FinishRun(run.RunId, status, result.DivergedAtEpoch, result.Message);
            if (!run.Config.KeepCheckpoints)
            {
                context.Checkpoints.Delete(run.RunId);
            }
            _progress.RunFinished(ticket, status, result.Message);
            return new RunEnd(run, status, null);
        }
        catch (OperationCanceledException)
        {
            context.Repository.FinishRun(run.RunId, "interrupted", null, "stopped by the user; run the sweep again to continue from the last checkpoint");
            _progress.RunFinished(ticket, "interrupted", null);
            return new RunEnd(run, "interrupted", null);
        }
        catch (Exception ex) when (ex is not SweepInputException)
        {
            string message = FailureMessage.For(ex, run.Config, parallel);
            context.Repository.FinishRun(run.RunId, "failed", null, message);
            _progress.RunFinished(ticket, "failed", message);
            return new RunEnd(run, "failed", message);
        }
        finally
        {
            context.Clock.Finish(run.RunId, plannedImages);
        }
    }

    /// <summary>
    /// The checkpointed epoch a run can continue after, or 0. A checkpoint it must not resume from
    /// — unreadable, of another run, or ahead of the epochs the database holds (then the epochs are
    /// the truth and the run starts over) — is deleted with a warning.
    /// </summary>
    private int ResumableEpoch(PlannedRun run, SweepContext context)
    {
        string path = context.Checkpoints.PathFor(run.RunId);
        if (!File.Exists(path))
        {
            return 0;
        }
        int epoch = context.Checkpoints.LatestEpoch(run.RunId, run.Config.Epochs, _progress.Warning);
        var stored = context.Repository.EpochNumbers(run.RunId);
        if (epoch > 0 && Enumerable.Range(1, epoch).Any(e => !stored.Contains(e)))
        {
            _progress.Warning($"checkpoint {path} is at epoch {epoch} but the database lacks some of its epochs; starting run {run.RunId} over");
            epoch = 0;
        }
        if (epoch == 0)
        {
            context.Checkpoints.Delete(run.RunId);
        }
        return epoch;
    }

    private int ThreadsPerRun(RunConfig config) => Math.Max(1, TorchDevice.ThreadsFor(config) / Math.Max(1, parallel));

    private static string DeviceName(RunConfig config) => TorchDevice.Resolve(config.Device).type.ToString().ToLowerInvariant();

    private static Dictionary<DataRequest, DatasetPair> LoadDatasets(SweepPlan plan)
    {
        var loaded = new Dictionary<DataRequest, DatasetPair>();
        foreach (RunConfig config in plan.Runs.Select(r => r.Config))
        {
            var key = DataKey(config);
            if (!loaded.ContainsKey(key))
            {
                loaded[key] = DatasetCatalog.Load(key);
            }
        }
        return loaded;
    }

    private static DataRequest DataKey(RunConfig c) => DataRequest.For(c);

    private sealed record RunEnd(PlannedRun Run, string Status, string? Error);

    private sealed record SweepContext(
        RunRepository Repository, long SweepId, long EnvironmentId, CheckpointStore Checkpoints, string ModelFolder,
        SweepPlan Plan, Dictionary<DataRequest, DatasetPair> Datasets, WorkClock Clock);

    private sealed class RunObserver(SweepContext context, ISweepProgress progress, RunTicket ticket, int trainCount) : ITrainingObserver
    {
        public void OnStart(int resumedFromEpoch)
        {
            context.Repository.KeepEpochsUpTo(ticket.Run.RunId, resumedFromEpoch);
            if (resumedFromEpoch > 0)
            {
                progress.RunResumed(ticket, resumedFromEpoch);
            }
        }

        public void OnWarning(string message) => progress.Warning(message);

        public void OnBatch(int epoch, int batch, int batches)
        {
            long images = (long)(epoch - 1) * trainCount + (long)trainCount * batch / batches;
            var (fraction, remaining) = context.Clock.Update(ticket.Run.RunId, images);
            progress.Batch(ticket, epoch, batch, batches, fraction, remaining);
        }

        public void OnEpoch(EpochMetrics metrics)
        {
            context.Repository.AddEpoch(ticket.Run.RunId, metrics);
            progress.EpochFinished(ticket, metrics, context.Clock.Remaining());
        }
    }
}
