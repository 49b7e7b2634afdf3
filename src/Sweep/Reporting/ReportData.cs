using Sweep.Kernel;
using Sweep.Spec;
using Sweep.Storage;

namespace Sweep.Reporting;

/// <summary>
/// Everything a report draws: runs with their epochs, read once from the database. When other
/// settings vary besides lr, batch size and seed, <see cref="ByFacet"/> splits the data into one
/// part per combination of them, and only seeds are averaged within a part.
/// </summary>
internal sealed record ReportData(string SweepName, IReadOnlyList<RunRow> Runs, IReadOnlyDictionary<string, IReadOnlyList<EpochRow>> Epochs)
{
    /// <summary>Settings that never split cells: the grid's own axes and the seed.</summary>
    private static readonly HashSet<string> CellSettings = ["lr", "batch_size", "seed"];

    /// <summary>The combination of other settings this part holds; <see cref="Facet.None"/> for the whole sweep.</summary>
    public Facet Facet { get; init; } = Facet.None;

    /// <summary>The learning rate the latest LR range test suggested per batch size (steepest descent), drawn on the figures against lr.</summary>
    public IReadOnlyDictionary<long, double> SuggestedLr { get; init; } = new Dictionary<long, double>();

    /// <summary>Gradient noise scales the noise-scale command measured for this sweep (latest per run and state).</summary>
    public IReadOnlyList<NoiseScaleRow> NoiseScales { get; init; } = [];

    public static ReportData Read(ReportReads repository, string sweepName)
    {
        var runs = repository.Runs(sweepName);
        var epochs = repository.Epochs(runs.Select(r => r.RunId))
            .GroupBy(e => e.RunId)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<EpochRow>)g.OrderBy(e => e.Epoch).ToList());
        var suggested = repository.LrFinds.Latest(sweepName).Where(t => t.Steepest is not null).ToDictionary(t => t.BatchSize, t => t.Steepest!.Value);
        return new ReportData(sweepName, runs, epochs) { SuggestedLr = suggested, NoiseScales = repository.NoiseScales.Latest(sweepName) };
    }

    /// <summary>Settings other than lr, batch size and seed that take more than one value among the runs, in catalog order.</summary>
    public IReadOnlyList<string> FacetSettings => Derived.FacetSettings ??= FindFacetSettings();

    private IReadOnlyList<string> FindFacetSettings()
    {
        var settings = Runs.Select(SettingsOf).ToList();
        return SettingCatalog.All.Where(s => s.ChangesTraining && !CellSettings.Contains(s.Name))
            .Select(s => s.Name)
            .Where(name => settings.Select(v => v.GetValueOrDefault(name)).Distinct().Count() > 1)
            .ToList();
    }

    /// <summary>
    /// What is computed from the runs, kept with the list it was computed from: a part made with
    /// <c>with { Runs = … }</c> copies the field but not the list, so it computes its own.
    /// </summary>
    private sealed class Computed(IReadOnlyList<RunRow> runs)
    {
        public IReadOnlyList<RunRow> Runs { get; } = runs;
        public IReadOnlyList<string>? FacetSettings { get; set; }
        public IReadOnlyList<GridCell>? Cells { get; set; }
        public Dictionary<(double, long), GridCell>? CellIndex { get; set; }
    }

    private Computed? _computed;

    private Computed Derived => _computed is { } c && ReferenceEquals(c.Runs, Runs) ? c : _computed = new Computed(Runs);

    /// <summary>Parsed settings per run, shared by every part and figure of one report (a run's JSON is parsed once).</summary>
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<RunRow, IReadOnlyDictionary<string, string>> ParsedSettings = new();

    /// <summary>One part per combination of the facet settings (the whole data when there are none), in a stable order.</summary>
    public IReadOnlyList<ReportData> ByFacet
    {
        get
        {
            var facets = FacetSettings;
            if (facets.Count == 0)
            {
                return [this];
            }
            return Runs.GroupBy(r => new Facet(facets.Select(f => KeyValuePair.Create(f, SettingsOf(r).GetValueOrDefault(f) ?? "all")).ToList()))
                .OrderBy(g => g.Key.Label, StringComparer.Ordinal)
                .Select(g => this with { Runs = g.ToList(), Facet = g.Key })
                .ToList();
        }
    }

    /// <summary>A run's training settings, formatted as people write them, from its stored configuration (or its columns, for rows made without one).</summary>
    public static IReadOnlyDictionary<string, string> SettingsOf(RunRow run) => ParsedSettings.GetValue(run, ParseSettings);

    private static IReadOnlyDictionary<string, string> ParseSettings(RunRow run)
    {
        if (run.ConfigJson is { Length: > 0 } json)
        {
            RunConfig config = RunConfig.FromJson(json) ?? throw new SweepInputException(
                $"run {run.RunId} in the results database has a config_json Sweep cannot read (edited outside Sweep?); restore the file from a copy, or set that run's config_json back to what the sweep wrote.");
            return config.ToValues().Where(p => SettingCatalog.ByName[p.Key].ChangesTraining)
                .ToDictionary(p => p.Key, p => Facet.Format(p.Key, p.Value));
        }
        return new Dictionary<string, string>
        {
            ["dataset"] = run.Dataset, ["model"] = run.Model, ["optimizer"] = run.Optimizer,
            ["epochs"] = Facet.Format("epochs", run.Epochs),
        };
    }

    public IReadOnlyList<EpochRow> EpochsOf(RunRow run) => Epochs.GetValueOrDefault(run.RunId) ?? [];

    public IReadOnlyList<long> BatchSizes => Runs.Select(r => r.BatchSize).Distinct().Order().ToList();

    public IReadOnlyList<double> LearningRates => Runs.Select(r => r.Lr).Distinct().Order().ToList();

    /// <summary>The lr × batch cells that have runs, seeds grouped together.</summary>
    public IReadOnlyList<GridCell> Cells => Derived.Cells ??= Runs
        .GroupBy(r => (r.Lr, r.BatchSize))
        .Select(g => new GridCell(g.Key.Lr, g.Key.BatchSize, g.ToList()))
        .OrderBy(c => c.BatchSize).ThenBy(c => c.Lr)
        .ToList();

    public GridCell? Cell(double lr, long batchSize) =>
        (Derived.CellIndex ??= Cells.ToDictionary(c => (c.Lr, c.BatchSize))).GetValueOrDefault((lr, batchSize));

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
            string facet = Facet.IsNone ? "" : $" [{Facet.Label}]";
            return $"{string.Join("/", datasets)}, {string.Join("/", models)}, {string.Join("/", optimizers)}{facet}";
        }
    }
}
