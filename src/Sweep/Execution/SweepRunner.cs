using System.Diagnostics;
using Sweep.Configuration;
using Sweep.Data;
using Sweep.Storage;
using Sweep.Training;

namespace Sweep.Execution;

/// <summary>How a sweep ended.</summary>
internal sealed record SweepOutcome(int Planned, int Skipped, int Completed, int Diverged, IReadOnlyList<(PlannedRun Run, string Error)> Failed, bool Interrupted);

/// <summary>
/// Trains the runs of a plan that the database does not already hold as finished, one after
/// another through the shared trainer, committing each epoch as it ends. A failing run is
/// recorded and the sweep goes on.
/// </summary>
internal sealed class SweepRunner(ISweepProgress progress)
{
    private static readonly HashSet<string> FinishedStatuses = ["completed", "diverged"];

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
        progress.SweepStarting(plan, toTrain.Count, plan.Runs.Count - toTrain.Count, databasePath);

        RunConfig first = (toTrain.FirstOrDefault() ?? plan.Runs[0]).Config;
        string resolvedDevice = TorchDevice.Resolve(first.Device).type.ToString().ToLowerInvariant();
        long environmentId = repository.RecordEnvironment(sweepId,
            EnvironmentProbe.Capture(resolvedDevice, TorchDevice.ThreadsFor(first), Path.GetDirectoryName(plan.SourcePath)!));

        var clock = new WorkClock(toTrain.Sum(r => (long)r.Config.Epochs * datasets[DataKey(r.Config)].Train.Count));
        var trainer = new Trainer();
        int completed = 0, diverged = 0;
        var failed = new List<(PlannedRun, string)>();
        for (int i = 0; i < toTrain.Count; i++)
        {
            PlannedRun run = toTrain[i];
            DatasetPair data = datasets[DataKey(run.Config)];
            progress.RunStarting(i + 1, toTrain.Count, run, plan.VaryingSettings);
            repository.BeginRun(sweepId, environmentId, run);
            var observer = new RunObserver(repository, progress, run, clock, data.Train.Count);
            try
            {
                RunResult result = trainer.Train(run.Config, data, observer, cancel);
                string status = result.Outcome == RunOutcome.Diverged ? "diverged" : "completed";
                repository.FinishRun(run.RunId, status, result.DivergedAtEpoch, result.Message);
                progress.RunFinished(run, status, result.Message);
                _ = result.Outcome == RunOutcome.Diverged ? diverged++ : completed++;
            }
            catch (OperationCanceledException)
            {
                repository.FinishRun(run.RunId, "interrupted", null, "stopped by the user");
                progress.RunFinished(run, "interrupted", null);
                return new SweepOutcome(plan.Runs.Count, plan.Runs.Count - toTrain.Count, completed, diverged, failed, Interrupted: true);
            }
            catch (Exception ex) when (ex is not SweepInputException)
            {
                string message = ex.Message.ReplaceLineEndings(" ");
                repository.FinishRun(run.RunId, "failed", null, message);
                progress.RunFinished(run, "failed", message);
                failed.Add((run, message));
            }
            clock.FinishRun(run.Config.Epochs * (long)data.Train.Count);
        }
        repository.FinishSweep(sweepId);
        return new SweepOutcome(plan.Runs.Count, plan.Runs.Count - toTrain.Count, completed, diverged, failed, Interrupted: false);
    }

    private static Dictionary<(string, string, int?, int?), DatasetPair> LoadDatasets(SweepPlan plan)
    {
        var loaded = new Dictionary<(string, string, int?, int?), DatasetPair>();
        foreach (RunConfig config in plan.Runs.Select(r => r.Config))
        {
            var key = DataKey(config);
            if (!loaded.ContainsKey(key))
            {
                loaded[key] = DatasetCatalog.Load(config.Dataset, config.DataDir, config.TrainSize, config.TestSize);
            }
        }
        return loaded;
    }

    private static (string, string, int?, int?) DataKey(RunConfig c) => (c.Dataset, c.DataDir, c.TrainSize, c.TestSize);

    /// <summary>Estimates the time left from the images trained so far in this invocation.</summary>
    private sealed class WorkClock(long totalImages)
    {
        private readonly Stopwatch _watch = Stopwatch.StartNew();
        private long _finishedImages;

        public (double Fraction, TimeSpan? Remaining) Estimate(long currentRunImages)
        {
            long done = _finishedImages + currentRunImages;
            double fraction = totalImages == 0 ? 1 : Math.Clamp((double)done / totalImages, 0, 1);
            double seconds = _watch.Elapsed.TotalSeconds;
            TimeSpan? remaining = done > 0 && seconds > 2 ? TimeSpan.FromSeconds(seconds / done * (totalImages - done)) : null;
            return (fraction, remaining);
        }

        public void FinishRun(long images) => _finishedImages += images;
    }

    private sealed class RunObserver(RunRepository repository, ISweepProgress progress, PlannedRun run, WorkClock clock, int trainCount)
        : ITrainingObserver
    {
        private long _images;

        public void OnBatch(int epoch, int batch, int batches)
        {
            long imagesThisRun = (long)(epoch - 1) * trainCount + (long)trainCount * batch / batches;
            _images = imagesThisRun;
            var (fraction, remaining) = clock.Estimate(imagesThisRun);
            progress.Batch(epoch, run.Config.Epochs, batch, batches, fraction, remaining);
        }

        public void OnEpoch(EpochMetrics metrics)
        {
            repository.AddEpoch(run.RunId, metrics);
            progress.EpochFinished(run, metrics, clock.Estimate(_images).Remaining);
        }
    }
}
