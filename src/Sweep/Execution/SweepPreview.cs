using Sweep.Configuration;
using Sweep.Data;
using Sweep.Storage;

namespace Sweep.Execution;

/// <summary>One planned run and what the database already knows of it.</summary>
internal sealed record PreviewRow(PlannedRun Run, string Status, TimeSpan? Estimate);

/// <summary>The plan of a sweep next to the database: what is done, what is left, how long it may take.</summary>
internal sealed record SweepPreview(SweepPlan Plan, IReadOnlyList<PreviewRow> Rows, TimeSpan? Remaining, int UnestimatedRuns)
{
    public const string NotStarted = "new";

    public int Finished => Rows.Count(r => r.Status is "completed" or "diverged");

    /// <summary>Reads the database read-only if it exists; never creates or changes it.</summary>
    public static SweepPreview Build(SweepPlan plan, string databasePath)
    {
        IReadOnlyDictionary<string, string> statuses = new Dictionary<string, string>();
        IReadOnlyList<SpeedRow> speeds = [];
        if (File.Exists(databasePath))
        {
            using var connection = ResultsDatabase.OpenForReading(databasePath);
            var repository = new RunRepository(connection);
            statuses = repository.StatusOf(plan.Runs.Select(r => r.RunId));
            speeds = repository.TrainingSpeeds();
        }

        var rows = plan.Runs.Select(run =>
        {
            string status = statuses.GetValueOrDefault(run.RunId, NotStarted);
            bool done = status is "completed" or "diverged";
            return new PreviewRow(run, status, done ? TimeSpan.Zero : Estimate(run.Config, speeds));
        }).ToList();
        var open = rows.Where(r => r.Status is not ("completed" or "diverged")).ToList();
        int unestimated = open.Count(r => r.Estimate is null);
        TimeSpan? remaining = open.Count == 0 ? TimeSpan.Zero :
            unestimated == open.Count ? null : open.Where(r => r.Estimate is not null).Aggregate(TimeSpan.Zero, (t, r) => t + r.Estimate!.Value);
        return new SweepPreview(plan, rows, remaining, unestimated);
    }

    /// <summary>Training time from earlier epochs of the same data set and model, same batch size if possible.</summary>
    private static TimeSpan? Estimate(RunConfig config, IReadOnlyList<SpeedRow> speeds)
    {
        var sameModel = speeds.Where(s => s.Dataset == config.Dataset && s.Model == config.Model).ToList();
        SpeedRow? exact = sameModel.FirstOrDefault(s => s.BatchSize == config.BatchSize);
        double? ips = exact?.ImagesPerSecond ?? (sameModel.Count > 0 ? sameModel.Average(s => s.ImagesPerSecond) : null);
        if (ips is not > 0)
        {
            return null;
        }
        DatasetInfo info = DatasetCatalog.Describe(config.Dataset);
        int images = Math.Min(config.TrainSize ?? info.TrainCount, info.TrainCount);
        return TimeSpan.FromSeconds(config.Epochs * images / ips.Value);
    }
}
