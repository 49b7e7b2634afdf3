using Sweep.Kernel;
using Sweep.Spec;

namespace Sweep.Planning;

/// <summary>
/// Settings that other settings of a run make irrelevant: momentum means nothing to Adam, gamma and
/// step_size nothing to a cosine schedule, vgg_width nothing to small-cnn. A grid that crosses them
/// (optimizer [adam, sgd] × momentum [0, 0.9]) would train some runs twice under two ids; the plan
/// keeps the first of each such set, in plan order, with its id unchanged, and says what it left out.
/// </summary>
internal static class InertSettings
{
    private sealed record Rule(string Setting, Func<RunConfig, bool> Matters, Func<RunConfig, string> Context);

    // Model and optimizer settings come from their kinds' own-settings lists (Spec/ModelCatalog, Spec/OptimizerCatalog).
    private static readonly Rule[] Rules =
    [
        .. OptimizerCatalog.All.SelectMany(o => o.OwnSettings).Distinct()
            .Select(setting => new Rule(setting, c => c.OptimizerKind.OwnSettings.Contains(setting), c => $"optimizer {c.Optimizer}")),
        new("gamma", c => c.LrSchedule == "step", c => $"lr_schedule {c.LrSchedule}"),
        new("step_size", c => c.LrSchedule == "step", c => $"lr_schedule {c.LrSchedule}"),
        .. ModelCatalog.All.SelectMany(m => m.OwnSettings).Distinct()
            .Select(setting => new Rule(setting, c => c.ModelKind.OwnSettings.Contains(setting), c => $"model {c.Model}")),
        new("image_size", c => c.Dataset == KnownDatasets.ImageFolder, c => $"dataset {c.Dataset}"),
        new("image_channels", c => c.Dataset == KnownDatasets.ImageFolder, c => $"dataset {c.Dataset}"),
    ];

    /// <summary>The runs that train something different, in plan order, and one note per setting that made others repeat.</summary>
    public static (IReadOnlyList<PlannedRun> Runs, IReadOnlyList<string> Notes) Collapse(IReadOnlyList<PlannedRun> runs)
    {
        var kept = new List<PlannedRun>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var dropped = new Dictionary<(string Settings, string Context), int>();
        HashSet<string> varies = VaryingRuleSettings(runs);
        foreach (PlannedRun run in runs)
        {
            var inert = Rules.Where(r => !r.Matters(run.Config)).ToList();
            if (seen.Add(EffectiveText(run.Config, inert)))
            {
                kept.Add(run);
                continue;
            }
            // Named by the inert settings that vary in the plan: the ones that made this run a repeat.
            var varying = inert.Where(r => varies.Contains(r.Setting)).ToList();
            var key = (string.Join(" and ", varying.Select(r => r.Setting)), string.Join(" and ", varying.Select(r => r.Context(run.Config)).Distinct()));
            dropped[key] = dropped.GetValueOrDefault(key) + 1;
        }
        var notes = dropped.Select(d =>
            $"{d.Key.Settings} {(d.Key.Settings.Contains(" and ", StringComparison.Ordinal) ? "have" : "has")} no effect with {d.Key.Context}, " +
            $"so {d.Value} run{(d.Value == 1 ? "" : "s")} that would repeat another run of the plan {(d.Value == 1 ? "is" : "are")} left out").ToList();
        return (kept, notes);
    }

    private static string EffectiveText(RunConfig config, IReadOnlyList<Rule> inert) =>
        string.Concat(RunIdentity.CanonicalText(config).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(line => !inert.Any(r => line.StartsWith(r.Setting + "=", StringComparison.Ordinal)))
            .Select(line => line + "\n"));

    /// <summary>The rules' settings that take more than one value in the plan, found in one pass (a plan may hold 100,000 runs).</summary>
    private static HashSet<string> VaryingRuleSettings(IReadOnlyList<PlannedRun> runs)
    {
        var values = Rules.Select(r => r.Setting).Distinct().ToDictionary(name => name, _ => new HashSet<string>(StringComparer.Ordinal));
        foreach (PlannedRun run in runs)
        {
            foreach (var (name, value) in run.Config.ToValues().Where(v => values.ContainsKey(v.Key)))
            {
                values[name].Add(RunIdentity.Format(value));
            }
        }
        return values.Where(v => v.Value.Count > 1).Select(v => v.Key).ToHashSet(StringComparer.Ordinal);
    }
}
