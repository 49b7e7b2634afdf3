using Sweep.Kernel;
using Sweep.Spec;
using Sweep.Storage;

namespace Sweep.Reporting;

/// <summary>One configuration present in both databases.</summary>
internal sealed record MatchedRun(RunRow A, RunRow B, IReadOnlyList<EpochRow> EpochsA, IReadOnlyList<EpochRow> EpochsB, double? SeedSpread)
{
    public double? Difference => A.FinalTestLoss is { } a && B.FinalTestLoss is { } b ? b - a : null;
}

/// <summary>
/// The blog's question — same settings, different losses on two machines — as data: runs are
/// matched by configuration (run id), and each difference is set against the spread that other
/// seeds of the same configuration show on one machine.
/// </summary>
internal sealed record DatabaseComparison(EnvironmentRow? EnvironmentA, EnvironmentRow? EnvironmentB, IReadOnlyList<MatchedRun> Matched, int OnlyA, int OnlyB)
{
    public static DatabaseComparison Of(ReportReads a, ReportReads b)
    {
        var runsA = a.AllRuns().Where(r => r.Status.IsFinished()).ToList();
        var runsB = b.AllRuns().Where(r => r.Status.IsFinished()).ToDictionary(r => r.RunId);
        var common = runsA.Where(r => runsB.ContainsKey(r.RunId)).ToList();
        var epochsA = a.Epochs(common.Select(r => r.RunId)).ToLookup(e => e.RunId);
        var epochsB = b.Epochs(common.Select(r => r.RunId)).ToLookup(e => e.RunId);
        var matched = common.Select(r => new MatchedRun(r, runsB[r.RunId], epochsA[r.RunId].ToList(), epochsB[r.RunId].ToList(),
            SeedSpread(r, runsA.Where(x => x.Status == RunStatus.Completed).ToList(), runsB.Values.Where(x => x.Status == RunStatus.Completed).ToList()))).ToList();
        return new DatabaseComparison(a.LatestEnvironment(), b.LatestEnvironment(), matched,
            runsA.Count - common.Count, runsB.Count - common.Count);
    }

    /// <summary>The larger of the two machines' standard deviations over seeds of the run's configuration.</summary>
    private static double? SeedSpread(RunRow run, IReadOnlyList<RunRow> a, IReadOnlyList<RunRow> b)
    {
        double? Std(IEnumerable<RunRow> runs) => Spread.Of(runs.Where(x => SameConfigurationButSeed(x, run)).Select(x => x.FinalTestLoss ?? double.NaN)) is { Count: > 1 } s ? s.Std : null;
        var spreads = new[] { Std(a), Std(b) }.Where(s => s is not null).ToList();
        return spreads.Count == 0 ? null : spreads.Max();
    }

    private static bool SameConfigurationButSeed(RunRow x, RunRow y) =>
        x.Dataset == y.Dataset && x.Model == y.Model && x.Optimizer == y.Optimizer && x.Lr == y.Lr && x.BatchSize == y.BatchSize && x.Epochs == y.Epochs;

    /// <summary>One sentence per matched run and one overall.</summary>
    public IReadOnlyList<string> Findings()
    {
        var lines = new List<string>
        {
            $"{Matched.Count} configurations were trained on both; {OnlyA} only in A, {OnlyB} only in B.",
        };
        int beyond = 0, within = 0, unknown = 0;
        foreach (MatchedRun m in Matched)
        {
            if (m.Difference is not { } d)
            {
                continue;
            }
            string label = $"{m.A.RunId} (lr={RunConfig.FormatLr(m.A.Lr)}, batch {m.A.BatchSize}, seed {m.A.Seed})";
            if (m.SeedSpread is { } s)
            {
                bool noise = Math.Abs(d) <= 2 * s;
                _ = noise ? within++ : beyond++;
                lines.Add($"{label}: final test loss differs by {d:+0.####;-0.####;0} (B − A), {(noise ? "within" : "beyond")} twice the seed-to-seed spread ({s:0.####}).");
            }
            else
            {
                unknown++;
                lines.Add($"{label}: final test loss differs by {d:+0.####;-0.####;0} (B − A); no repeats, so the seed-to-seed spread is unknown.");
            }
        }
        if (Matched.Count == 0)
        {
            lines.Add("The databases share no finished configuration: run the same sweep file on both machines.");
        }
        else if (beyond + within == 0)
        {
            lines.Add("To tell machine differences from seed noise, run the sweep with 'repeats: 3' on both machines.");
        }
        else
        {
            string judged = beyond == 0 ? "Every difference that can be judged is within the noise between seeds: the machines agree."
                : $"{beyond} of {beyond + within} differences are beyond the noise between seeds: the machines differ; compare their environments above.";
            lines.Add(judged + (unknown > 0 ? $" {unknown} runs have no seed spread to judge by." : ""));
        }
        return lines;
    }
}
