using Sweep.Spec;

namespace Sweep.Planning;

/// <summary>A run's standing at a rung: its metric at the rung's epoch, or null when it diverged or failed before it.</summary>
internal sealed record RungEntry(string RunId, string ConfigurationKey, string Group, double? Value);

/// <summary>One row of the rung decision table: the run, its configuration's mean over seeds, its rank in its group, its fate.</summary>
internal sealed record RungDecision(string RunId, int RungEpoch, double? Value, double? ConfigurationMean, int Rank, bool Kept, string Group = "");

/// <summary>
/// Decides a rung once every run of it has an entry. Deterministic by construction: configurations
/// are ranked by their mean over seeds (so all seeds of one share one fate), a configuration with a
/// diverged or failed seed ranks below every finite one, and ties go to the smaller run id — the
/// order in which runs finished, the worker that trained them and the machine play no part.
/// </summary>
internal static class RungDecider
{
    public static IReadOnlyList<RungDecision> Decide(HalvingSpec spec, int rungEpoch, IReadOnlyList<RungEntry> entries)
    {
        var decisions = new List<RungDecision>();
        foreach (var group in entries.GroupBy(e => e.Group).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var ranked = group.GroupBy(e => e.ConfigurationKey)
                .Select(c => (Runs: c.OrderBy(e => e.RunId, StringComparer.Ordinal).ToList(), Mean: MeanOrNull(c)))
                .OrderBy(c => c.Mean is null ? 1 : 0)
                .ThenBy(c => c.Mean is { } m ? (spec.LowerIsBetter ? m : -m) : 0)
                .ThenBy(c => c.Runs[0].RunId, StringComparer.Ordinal)
                .ToList();
            int keep = spec.Keep(ranked.Count);
            for (int rank = 0; rank < ranked.Count; rank++)
            {
                foreach (RungEntry run in ranked[rank].Runs)
                {
                    decisions.Add(new RungDecision(run.RunId, rungEpoch, run.Value, ranked[rank].Mean, rank + 1, rank < keep, group.Key));
                }
            }
        }
        return decisions;
    }

    /// <summary>The epochs a plan's runs train with halving (at most) and without it.</summary>
    public static (long Halved, long Full) EpochBudget(HalvingSpec spec, IReadOnlyList<PlannedRun> runs)
    {
        int epochs = runs[0].Config.Epochs;
        long halved = EpochBudget(spec, epochs, runs.Select(r => (GroupOf(spec, r.Config), RunIdentity.ConfigurationKey(r.Config))).ToList());
        return (halved, (long)epochs * runs.Count);
    }

    /// <summary>Epochs a plan trains with halving: every configuration to the first rung, then only the kept ones further.</summary>
    public static long EpochBudget(HalvingSpec spec, int epochs, IEnumerable<(string Group, string ConfigurationKey)> runs)
    {
        long total = 0;
        IReadOnlyList<int> rungs = spec.Rungs(epochs);
        foreach (var group in runs.GroupBy(r => r.Group))
        {
            var seedsPerConfiguration = group.GroupBy(r => r.ConfigurationKey).Select(c => c.Count()).OrderDescending().ToList();
            int alive = seedsPerConfiguration.Count, reached = 0;
            foreach (int rung in rungs.Append(epochs))
            {
                // Which configurations survive is known only when training; the budget counts the most seeds a survivor can have.
                total += (long)(rung - reached) * seedsPerConfiguration.Take(alive).Sum();
                reached = rung;
                alive = spec.Keep(alive);
            }
        }
        return total;
    }

    /// <summary>The group a run is ranked in: its values of the halving's <c>within</c> settings.</summary>
    public static string GroupOf(HalvingSpec spec, RunConfig config)
    {
        var values = config.ToValues().ToDictionary(p => p.Key, p => p.Value);
        return string.Join("\n", spec.Within.Select(name => $"{name}={RunIdentity.Format(values[name])}"));
    }

    private static double? MeanOrNull(IEnumerable<RungEntry> runs)
    {
        var values = runs.Select(r => r.Value).ToList();
        return values.All(v => v is { } x && double.IsFinite(x)) ? values.Average(v => v!.Value) : null;
    }
}
