using System.Globalization;
using Sweep.Kernel;
using Sweep.Spec;
using Sweep.Storage;

namespace Sweep.Reporting;

/// <summary>One reference cell beside ours: the reference's value and the mean ± sd over our matching completed runs.</summary>
internal sealed record MatchedCell(ReferenceRow Row, long? BatchSize, double Reference, Spread Ours);

/// <summary>The cells of one group: every reference setting but the batch size fixed (for the paper, one optimizer and lr).</summary>
internal sealed record ReferenceGroup(string Label, IReadOnlyList<MatchedCell> Cells);

/// <summary>
/// Our results set beside a published table: which reference rows match our runs (a row matches
/// the runs whose settings equal it on every column it names; ours is their mean over seeds), how
/// each metric moves with batch size in both, and the rank correlation over all matched cells.
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
            matched.Add(new MatchedCell(row, batch, reference, Spread.Of(values)!.Value));
        }
        var groups = matched
            .GroupBy(c => string.Join(", ", table.SettingColumns.Where(s => s != "batch_size").Select(s => $"{s}={Facet.Format(s, c.Row.Settings[s])}")))
            .Select(g => new ReferenceGroup(g.Key, g.OrderBy(c => c.BatchSize).ToList()))
            .OrderBy(g => g.Label, StringComparer.Ordinal)
            .ToList();
        return new ReferenceComparison(table, metric, groups, unmatched);
    }

    public static double? Value(RunRow run, string metric) => metric switch
    {
        "test_auc" => run.FinalTestAuc,
        "test_accuracy" => run.FinalTestAccuracy,
        _ => run.FinalTestLoss,
    };

    /// <summary>Spearman's rank correlation between the reference and our means over every matched cell (NaN under 3 cells).</summary>
    public double Spearman => SpearmanOf(Groups.SelectMany(g => g.Cells).Select(c => (c.Reference, c.Ours.Mean)).ToList());

    /// <summary>The section "Against the reference", one sentence a line.</summary>
    public IReadOnlyList<string> Findings()
    {
        var lines = new List<string>
        {
            $"Reference: {Path.GetFileName(Table.Path)}, compared on {Metric} ({Groups.Sum(g => g.Cells.Count)} of {Table.Rows.Count} reference cells matched by our runs). " +
            "The data sets and models differ, so the absolute numbers are not expected to agree; what can agree is the direction in which each one moves with batch size.",
        };
        foreach (ReferenceGroup group in Groups.Where(g => g.Cells.Count >= 2 && g.Cells.All(c => c.BatchSize is not null)))
        {
            lines.Add(GroupFinding(group));
        }
        double rho = Spearman;
        lines.Add(double.IsNaN(rho)
            ? "Rank correlation: fewer than 3 matched cells, so none is computed."
            : $"Spearman rank correlation between the reference's {Metric} and ours over all {Groups.Sum(g => g.Cells.Count)} matched cells: {F(rho)}" +
              (Math.Abs(rho) < 0.3 ? " (little agreement in the ordering of cells)." : rho > 0 ? " (the cells rank in a similar order)." : " (the cells rank in roughly the opposite order)."));
        if (Unmatched.Count > 0)
        {
            lines.Add($"{Unmatched.Count} reference rows match none of our completed runs: " +
                string.Join("; ", Unmatched.Select(r => $"line {r.Line} ({string.Join(", ", r.Settings.Select(s => $"{s.Key}={Facet.Format(s.Key, s.Value)}"))})")) + ".");
        }
        return lines;
    }

    private string GroupFinding(ReferenceGroup group)
    {
        var cells = group.Cells;
        int theirs = Direction(cells.Select(c => c.Reference).ToList());
        int ours = Direction(cells.Select(c => c.Ours.Mean).ToList());
        int agree = 0, resolved = 0;
        for (int i = 1; i < cells.Count; i++)
        {
            double referenceStep = cells[i].Reference - cells[i - 1].Reference;
            double ourStep = cells[i].Ours.Mean - cells[i - 1].Ours.Mean;
            double noise = Math.Sqrt(Math.Pow(cells[i].Ours.Std, 2) + Math.Pow(cells[i - 1].Ours.Std, 2));
            bool beyondNoise = cells[i].Ours.Count > 1 && cells[i - 1].Ours.Count > 1 && Math.Abs(ourStep) > noise;
            resolved += beyondNoise ? 1 : 0;
            agree += beyondNoise && Math.Sign(referenceStep) == Math.Sign(ourStep) ? 1 : 0;
        }
        int steps = cells.Count - 1;
        string verdict = theirs == 0 || ours == 0 ? "no clear direction in one of the two" : theirs == ours ? "the same direction" : "opposite directions";
        string noiseNote = resolved == 0
            ? "; none of our steps is larger than the spread between seeds, so more seeds are needed to tell"
            : $"; {resolved} of our {steps} steps {(resolved == 1 ? "is" : "are")} beyond the seed spread and {agree} of {(resolved == 1 ? "it moves" : "those move")} as the reference's do";
        string series = string.Join(", ", cells.Select(c => $"{c.BatchSize}: {F(c.Reference)} vs {F(c.Ours.Mean)}±{F(c.Ours.Std)}"));
        return $"{group.Label}: as batch size grows, the reference's {Metric} {Word(theirs)} and ours {Word(ours)} — {verdict}{noiseNote} (batch: reference vs ours {series}).";
    }

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
