using System.Numerics;
using Sweep.Kernel;
using Sweep.Spec;

namespace Sweep.Planning;

/// <summary>
/// The planning stage: expands a <see cref="SweepSpec"/> into its runs (grid × zip, then repeats),
/// gives each its id, checks the plan as a whole and leaves out runs that would repeat another
/// (<see cref="InertSettings"/>).
/// </summary>
internal static class SweepPlanner
{
    /// <summary>Reads, checks and plans a sweep file.</summary>
    public static SweepPlan Load(string path, string? dataDir = null) => Plan(SweepFileParser.Load(path, dataDir));

    /// <summary>Plans sweep-file text as if it were the file at <paramref name="path"/>.</summary>
    public static SweepPlan Parse(string text, string path, string? dataDir = null) => Plan(SweepFileParser.Parse(text, path, dataDir));

    /// <summary>The most runs one plan may hold; the size is computed from the axis lengths before anything is expanded.</summary>
    public const int MaxRuns = 100_000;

    public static SweepPlan Plan(SweepSpec spec)
    {
        CheckSize(spec);
        var axes = spec.Axes.ToList();
        var models = new ModelFiles(Path.GetDirectoryName(spec.SourcePath)!, spec.DisplayPath);
        var configs = GridExpander.Expand(spec.BaseValues, axes)
            .SelectMany(values => WithRepeats(values, spec.Repeats))
            .Select(RunConfig.FromValues)
            // The linear scaling control: the file's lr is for lr_scaled_from_batch; each run's lr is scaled with its batch size.
            .Select(c => c.LrScaledFromBatch is { } from ? c with { Lr = c.Lr * c.BatchSize / from } : c)
            .ToList();
        PlanValidator.CheckModelFileIsUsed(configs, spec.DisplayPath);
        var runs = configs
            .Select(models.Resolve)
            .Select(config => new PlannedRun(RunIdentity.Of(config), config))
            .ToList();
        PlanValidator.Check(runs, spec.DisplayPath);
        var (effective, notes) = InertSettings.Collapse(runs);
        runs = effective.ToList();
        // Test is reported, never chosen on: with a validation set, halving ranks by it unless the file says otherwise.
        HalvingSpec? halving = spec.Halving is { MetricGiven: false } h && runs.Count > 0 && runs.All(r => r.Config.ValidationSize is not null)
            ? h with { Metric = Metric.ValLoss.Name } : spec.Halving;
        PlanValidator.CheckHalving(runs, halving, spec.Fuse, spec.DisplayPath);
        if (spec.Repeats > 1 && !axes.Any(a => a.Settings.Contains("seed")))
        {
            axes.Add(new GridAxis("seed", runs.Select(r => (object)r.Config.Seed).Distinct().ToList()));
        }
        return new SweepPlan(spec.Name, spec.SourcePath, spec.SourceText, axes, runs, spec.Parallel, spec.Fuse, spec.FuseMax, Reference: spec.Reference, Halving: halving, Notes: notes);
    }

    private static void CheckSize(SweepSpec spec)
    {
        BigInteger size = spec.Axes.Aggregate(BigInteger.One, (n, axis) => n * axis.Points.Count) * spec.Repeats;
        if (size > MaxRuns)
        {
            string factors = string.Join(" × ", spec.Axes.Select(a => $"{a.Points.Count} {string.Join("+", a.Settings)}")
                .Concat(spec.Repeats > 1 ? [$"{spec.Repeats} repeats"] : []));
            throw new SweepInputException($"{spec.DisplayPath}: the file asks for {size:N0} runs ({factors}), more than the {MaxRuns:N0} one plan may hold; use fewer values per axis or split the grid into several sweep files.");
        }
    }

    /// <summary>Repeats run every configuration with seeds seed, seed+1, … seed+N-1.</summary>
    private static IEnumerable<IReadOnlyDictionary<string, object?>> WithRepeats(IReadOnlyDictionary<string, object?> values, int repeats)
    {
        long seed = (long)values["seed"]!;
        return Enumerable.Range(0, repeats).Select(i => (IReadOnlyDictionary<string, object?>)new Dictionary<string, object?>(values) { ["seed"] = seed + i });
    }
}
