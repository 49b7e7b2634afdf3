using Sweep.Kernel;
using Sweep.Storage;

namespace Sweep.Reporting;

/// <summary>Everything a report draws: runs with their epochs, read once from the database.</summary>
internal sealed record ReportData(string SweepName, IReadOnlyList<RunRow> Runs, IReadOnlyDictionary<string, IReadOnlyList<EpochRow>> Epochs)
{
    public static ReportData Read(RunRepository repository, string sweepName)
    {
        var runs = repository.Runs(sweepName);
        var epochs = repository.Epochs(runs.Select(r => r.RunId))
            .GroupBy(e => e.RunId)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<EpochRow>)g.OrderBy(e => e.Epoch).ToList());
        return new ReportData(sweepName, runs, epochs);
    }

    public IReadOnlyList<EpochRow> EpochsOf(RunRow run) => Epochs.GetValueOrDefault(run.RunId) ?? [];

    public IReadOnlyList<long> BatchSizes => Runs.Select(r => r.BatchSize).Distinct().Order().ToList();

    public IReadOnlyList<double> LearningRates => Runs.Select(r => r.Lr).Distinct().Order().ToList();

    /// <summary>The lr × batch cells that have runs, seeds grouped together.</summary>
    public IReadOnlyList<GridCell> Cells => Runs
        .GroupBy(r => (r.Lr, r.BatchSize))
        .Select(g => new GridCell(g.Key.Lr, g.Key.BatchSize, g.ToList()))
        .OrderBy(c => c.BatchSize).ThenBy(c => c.Lr)
        .ToList();

    public GridCell? Cell(double lr, long batchSize) => Cells.FirstOrDefault(c => c.Lr == lr && c.BatchSize == batchSize);

    /// <summary>True when some configuration ran with several seeds.</summary>
    public bool HasRepeats => Cells.Any(c => c.Runs.Count > 1);

    /// <summary>Mean and spread over seeds of a per-epoch metric for one cell.</summary>
    public IReadOnlyList<(long Epoch, Spread Value)> Curve(GridCell cell, Func<EpochRow, double> metric) => cell.Runs
        .SelectMany(EpochsOf)
        .GroupBy(e => e.Epoch)
        .OrderBy(g => g.Key)
        .Select(g => (g.Key, Spread.Of(g.Select(metric))))
        .Where(p => p.Item2 is not null)
        .Select(p => (p.Key, p.Item2!.Value))
        .ToList();

    /// <summary>"Fashion-MNIST mini (6,000 / 1,000 images), small-cnn, adam"; several values are joined with '/'.</summary>
    public string Subject
    {
        get
        {
            var datasets = Runs.Select(r => r.Dataset).Distinct()
                .Select(d => KnownDatasets.Names.Contains(d) ? KnownDatasets.Describe(d).Title : d).ToList();
            var models = Runs.Select(r => r.Model).Distinct().ToList();
            var optimizers = Runs.Select(r => r.Optimizer).Distinct().ToList();
            return $"{string.Join("/", datasets)}, {string.Join("/", models)}, {string.Join("/", optimizers)}";
        }
    }
}
