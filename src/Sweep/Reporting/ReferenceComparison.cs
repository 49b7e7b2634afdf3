using System.Globalization;
using Sweep.Kernel;
using Sweep.Spec;
using Sweep.Storage;

namespace Sweep.Reporting;

/// <summary>One reference cell beside ours: the reference's value and the mean ± sd over our matching completed runs.</summary>
internal sealed record MatchedCell(ReferenceRow Row, long? BatchSize, double Reference, Spread Ours, IReadOnlyList<double> OurRuns);

/// <summary>The cells of one group: every reference setting but the batch size fixed (for the paper, one optimizer and lr).</summary>
internal sealed record ReferenceGroup(string Label, IReadOnlyList<MatchedCell> Cells);

/// <summary>
/// Our results set beside a published table: which reference rows match our runs (a row matches
/// the runs whose settings equal it on every column it names; ours is their mean over seeds), how
/// each metric moves with batch size in both (ours as a slope over seeds with its interval), and
/// per group the rank correlation between the two with its interval. Cells of different groups are
/// never pooled: that would mix the optimizer's and the learning rate's effects with batch size's.
/// Pure: computes sentences and numbers, draws nothing.
/// </summary>
internal sealed record ReferenceComparison(ReferenceTable Table, string Metric, IReadOnlyList<ReferenceGroup> Groups, IReadOnlyList<ReferenceRow> Unmatched)
{
    public static ReferenceComparison Of(ReferenceTable table, ReportData data)
    {
        string metric = table.MetricColumns[0];
        var completed = data.Runs.Where(r => r.Status == RunStatus.Completed).Select(r => (Run: r, Settings: ReportData.SettingsOf(r))).ToList();
        var matched = new List<MatchedCell>();
        var unmatched = new List<ReferenceRow>();
        foreach (ReferenceRow row in table.Rows)
        {
            var values = completed.Where(r => table.SettingColumns.All(c => r.Settings.GetValueOrDefault(c) == Facet.Format(c, row.Settings[c])))
                .Select(r => Value(r.Run, metric)).Where(v => v is { } d && double.IsFinite(d)).Select(v => v!.Value).ToList();
            if (values.Count == 0 || !row.Metrics.TryGetValue(metric, out double reference))
            {
                unmatched.Add(row);
                continue;
            }
            long? batch = row.Settings.TryGetValue("batch_size", out object? b) ? (long)b : null;
            matched.Add(new MatchedCell(row, batch, reference, Spread.Of(values)!.Value, values));
        }
        var groups = matched
            .GroupBy(c => string.Join(", ", table.SettingColumns.Where(s => s != "batch_size").Select(s => $"{s}={Facet.Format(s, c.Row.Settings[s])}")))
            .Select(g => new ReferenceGroup(g.Key, g.OrderBy(c => c.BatchSize).ToList()))
            .OrderBy(g => g.Label, StringComparer.Ordinal)
            .ToList();
        return new ReferenceComparison(table, metric, groups, unmatched);
    }

    public static double? Value(RunRow run, string metric) => run.Final(Kernel.Metric.Named(metric));

    /// <summary>The section "Against the reference", one sentence a line.</summary>
    public IReadOnlyList<string> Findings()
    {
        var lines = new List<string>
        {
            $"Reference: {Path.GetFileName(Table.Path)}, compared on {Metric} ({Groups.Sum(g => g.Cells.Count)} of {Table.Rows.Count} reference cells matched by our runs). " +
            "The data sets and models differ, so the absolute numbers are not expected to agree; what can agree is the direction in which each one moves with batch size.",
        };
        var judged = Groups.Where(g => g.Cells.Count >= 2 && g.Cells.All(c => c.BatchSize is not null)).ToList();
        foreach (ReferenceGroup group in judged)
        {
            lines.Add(GroupFinding(group, 1 - 0.05 / Math.Max(1, judged.Count)));
        }
        if (judged.Count > 1)
        {
            lines.Add($"Intervals are {F((1 - 0.05 / judged.Count) * 100)}% each, so that all {judged.Count} groups hold together at 95% (Bonferroni); "
                + "cells of different groups are not pooled into one correlation, which would mix the other settings' effects with batch size's.");
        }
        if (Unmatched.Count > 0)
        {
            lines.Add($"{Unmatched.Count} reference rows match none of our completed runs: " +
                string.Join("; ", Unmatched.Select(r => $"line {r.Line} ({string.Join(", ", r.Settings.Select(s => $"{s.Key}={Facet.Format(s.Key, s.Value)}"))})")) + ".");
        }
        return lines;
    }

    private string GroupFinding(ReferenceGroup group, double confidence)
    {
        var cells = group.Cells;
        int theirs = Direction(cells.Select(c => c.Reference).ToList());
        BatchSlope? ours = BatchSlope.Fit(cells.SelectMany(c => c.OurRuns.Select(v => (c.BatchSize!.Value, v))).ToList(), confidence);
        string ourTrend = ours is null ? "has too few runs for an interval"
            : ours.Reading switch
            {
                SlopeReading.Holds => $"rises, {ours}",
                SlopeReading.Contradicted => $"falls, {ours}",
                _ => $"has no resolved trend, {ours}",
            };
        int ourDirection = ours?.Reading switch { SlopeReading.Holds => 1, SlopeReading.Contradicted => -1, _ => 0 };
        string verdict = theirs == 0 || ourDirection == 0 ? "not resolved" : theirs == ourDirection ? "the same direction" : "opposite directions";
        var (rho, low, high) = RankCorrelation(cells.Select(c => (c.Reference, c.Ours.Mean)).ToList(), confidence);
        string rank = double.IsNaN(rho) ? "fewer than 3 cells, no rank correlation"
            : double.IsNaN(low) ? $"rank correlation {F(rho)} over {cells.Count} cells, too few for an interval"
            : $"rank correlation {F(rho)} [{F(low)}, {F(high)}] over {cells.Count} cells";
        string series = string.Join(", ", cells.Select(c => $"{c.BatchSize}: {F(c.Reference)} vs {F(c.Ours.Mean)}±{F(c.Ours.Std)}"));
        return $"{group.Label}: as batch size grows, the reference's {Metric} {Word(theirs)} and ours {ourTrend} — {verdict}; {rank} (batch: reference vs ours {series}).";
    }

    /// <summary>
    /// Spearman's ρ with a confidence interval from Fisher's z with the Bonett–Wright standard error
    /// √((1 + ρ²/2) / (n − 3)); NaN bounds under 4 cells, NaN ρ under 3.
    /// </summary>
    public static (double Rho, double Low, double High) RankCorrelation(IReadOnlyList<(double X, double Y)> pairs, double confidence)
    {
        double rho = SpearmanOf(pairs);
        if (double.IsNaN(rho) || pairs.Count < 4)
        {
            return (rho, double.NaN, double.NaN);
        }
        double clipped = Math.Clamp(rho, -0.999999, 0.999999);
        double z = Math.Atanh(clipped), se = Math.Sqrt((1 + rho * rho / 2) / (pairs.Count - 3));
        double q = NormalQuantile(1 - (1 - confidence) / 2);
        return (rho, Math.Tanh(z - q * se), Math.Tanh(z + q * se));
    }

    /// <summary>The standard normal quantile, as the limit of Student's t.</summary>
    private static double NormalQuantile(double p) => StudentT.Quantile(p, 1e9);

    /// <summary>+1 rising, −1 falling, 0 neither, by the sign of the rank correlation with batch order (|ρ| ≥ 0.5).</summary>
    private static int Direction(IReadOnlyList<double> values)
    {
        double rho = SpearmanOf(values.Select((v, i) => ((double)i, v)).ToList());
        return double.IsNaN(rho) || Math.Abs(rho) < 0.5 ? 0 : Math.Sign(rho);
    }

    private static string Word(int direction) => direction switch { > 0 => "rises", < 0 => "falls", _ => "shows no clear trend" };

    public static double SpearmanOf(IReadOnlyList<(double X, double Y)> pairs)
    {
        if (pairs.Count < 3)
        {
            return double.NaN;
        }
        double[] rx = Ranks.Average(pairs.Select(p => p.X).ToArray()), ry = Ranks.Average(pairs.Select(p => p.Y).ToArray());
        double mx = rx.Average(), my = ry.Average();
        double cov = rx.Zip(ry, (a, b) => (a - mx) * (b - my)).Sum();
        double sx = Math.Sqrt(rx.Sum(a => (a - mx) * (a - mx))), sy = Math.Sqrt(ry.Sum(b => (b - my) * (b - my)));
        return sx == 0 || sy == 0 ? double.NaN : cov / (sx * sy);
    }


    private static string F(double v) => v.ToString("0.####", CultureInfo.InvariantCulture);
}
