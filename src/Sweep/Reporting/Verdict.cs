using System.Globalization;
using Sweep.Kernel;
using Sweep.Spec;

namespace Sweep.Reporting;

/// <summary>
/// Puts the claim the project grew out of — "at a fixed learning rate, smaller batches reach a
/// lower test loss; lowering the learning rate together with the batch size trains better" — to
/// the measured grid, in plain sentences. Pure: reads the report data, writes nothing.
/// </summary>
internal static class Verdict
{
    public static IReadOnlyList<string> Of(ReportData data, int? plannedRuns)
    {
        var lines = new List<string> { Coverage(data, plannedRuns) };
        if (data.Runs.Any(r => r.Status == RunStatus.Pruned))
        {
            int censored = data.ByFacet.Sum(part => part.Cells.Count(c => c.Censored));
            lines.Add($"Successive halving stopped {data.Runs.Count(r => r.Status == RunStatus.Pruned)} runs early: {censored} cells were decided on partial training "
                + "(grey, \"stopped at epoch k\" in the heatmaps); the comparisons below use the cells that trained to the end.");
        }
        if (CommonRandomNumbers(data) is { } fused)
        {
            lines.Add(fused);
        }
        var parts = data.ByFacet;
        if (parts.Count > 1)
        {
            bool one = data.FacetSettings.Count == 1;
            string what = one ? $"{data.FacetSettings[0]} varies in this sweep, so each of its {parts.Count} values"
                : $"{string.Join(" and ", data.FacetSettings)} vary in this sweep, so each of their {parts.Count} combinations";
            lines.Add($"Besides learning rate and batch size, {what} " +
                "is judged on its own below (figures carry the combination in their name); only seeds are averaged.");
        }
        foreach (ReportData part in parts)
        {
            string prefix = part.Facet.IsNone ? "" : $"[{part.Facet.Label}] ";
            if (!part.Cells.Any(c => c.TestLoss is not null))
            {
                lines.Add(prefix + "No run has completed yet, so there is nothing to compare.");
                continue;
            }
            lines.Add(prefix + BatchSizeEffect(part));
            lines.Add(prefix + BestCell(part));
            lines.Add(prefix + LearningRateScaling(part));
        }
        return lines;
    }

    private static string Coverage(ReportData data, int? planned)
    {
        var counts = data.Runs.GroupBy(r => r.Status.Text()).ToDictionary(g => g.Key, g => g.Count());
        string statuses = string.Join(", ", counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Value} {c.Key}"));
        string missing = planned switch
        {
            { } p when p > data.Runs.Count => $"; the sweep file plans {p} runs, so {p - data.Runs.Count} have not started",
            null => "; this database was written before Sweep stored each sweep's plan, so runs that never started are not counted",
            _ => "",
        };
        return $"{data.Runs.Count} runs in the database ({statuses}){missing}.";
    }

    /// <summary>Says which runs trained in fused packs, where the comparison between learning rates is paired.</summary>
    private static string? CommonRandomNumbers(ReportData data)
    {
        var packed = data.Runs.Where(r => r.FusedPack is not null).ToList();
        if (packed.Count == 0)
        {
            return null;
        }
        int packs = packed.Select(r => r.FusedPack).Distinct().Count();
        return $"{packed.Count} of {data.Runs.Count} runs trained in {packs} fused pack{(packs == 1 ? "" : "s")}: the runs of a pack saw the same batches in the same order " +
            "with the same augmentation (common random numbers), so their differences come from their optimizer settings, not from the data order.";
    }

    /// <summary>For each learning rate: does the final test loss rise with batch size, and is each step beyond the seed spread?</summary>
    private static string BatchSizeEffect(ReportData data)
    {
        int rising = 0, judged = 0, unresolved = 0;
        var details = new List<string>();
        foreach (double lr in data.LearningRates)
        {
            var points = data.Cells.Where(c => c.Lr == lr && c.TestLoss is not null).OrderBy(c => c.BatchSize)
                .Select(c => (c.BatchSize, Loss: c.TestLoss!.Value)).ToList();
            if (points.Count < 2)
            {
                continue;
            }
            judged++;
            var steps = points.Zip(points.Skip(1), (a, b) => (Delta: b.Loss.Mean - a.Loss.Mean, Noise: Math.Sqrt(a.Loss.Std * a.Loss.Std + b.Loss.Std * b.Loss.Std))).ToList();
            bool up = steps.All(s => s.Delta > 0);
            rising += up ? 1 : 0;
            int noisy = data.HasRepeats ? steps.Count(s => Math.Abs(s.Delta) <= s.Noise) : 0;
            unresolved += noisy;
            string trend = up ? "rises" : steps.All(s => s.Delta < 0) ? "falls" : "goes up and down";
            string losses = string.Join(" → ", points.Select(p => $"{F(p.Loss.Mean)} (batch {p.BatchSize})"));
            string noise = data.HasRepeats ? (noisy == 0 ? ", every step larger than the spread between seeds" : $", {noisy} of {steps.Count} steps within the spread between seeds") : "";
            details.Add($"lr={RunConfig.FormatLr(lr)}: test loss {trend} with batch size, {losses}{noise}");
        }
        if (judged == 0)
        {
            return "Batch size: no learning rate was tried with two or more batch sizes, so the claim cannot be tested.";
        }
        string verdict = rising == judged ? "holds" : rising == 0 ? "does not hold" : "holds only in part";
        string caveat = !data.HasRepeats ? " One seed per configuration: differences may be noise; use 'repeats' to tell." :
            unresolved > 0 ? " Some differences are within the noise between seeds." : "";
        return $"At a fixed learning rate, smaller batches reached a lower test loss for {rising} of {judged} learning rates: the claim {verdict} on this grid ({string.Join("; ", details)}).{caveat}";
    }

    private static string BestCell(ReportData data)
    {
        GridCell best = data.Cells.Where(c => c.TestLoss is not null).MinBy(c => c.TestLoss!.Value.Mean)!;
        string accuracy = best.TestAccuracy is { } a ? $", test accuracy {F(a.Mean * 100)}%" : "";
        return $"Best cell: lr={RunConfig.FormatLr(best.Lr)}, batch size {best.BatchSize} with final test loss {F(best.TestLoss!.Value.Mean)}{accuracy}.";
    }

    /// <summary>Fits log10(best lr) against log10(batch size): slope 1 is the linear scaling rule, 0.5 square-root scaling.</summary>
    private static string LearningRateScaling(ReportData data)
    {
        var best = data.BatchSizes
            .Select(b => (Batch: b, Cells: data.Cells.Where(c => c.BatchSize == b && c.TestLoss is not null).ToList()))
            .Where(x => x.Cells.Count > 0)
            .Select(x => (x.Batch, Best: x.Cells.MinBy(c => c.TestLoss!.Value.Mean)!, Tried: x.Cells.Select(c => c.Lr).Order().ToList()))
            .ToList();
        string list = string.Join(", ", best.Select(b => $"batch {b.Batch} → lr={RunConfig.FormatLr(b.Best.Lr)}"));
        if (best.Count < 3)
        {
            return $"Best learning rate per batch size: {list}. Fitting how it scales needs at least 3 batch sizes, so the grid is too coarse to tell linear (slope 1) from square-root (slope 0.5) scaling.";
        }
        double[] x = best.Select(b => Math.Log10(b.Batch)).ToArray();
        double[] y = best.Select(b => Math.Log10(b.Best.Lr)).ToArray();
        double mx = x.Average(), my = y.Average();
        double slope = x.Zip(y, (a, b) => (a - mx) * (b - my)).Sum() / x.Sum(a => (a - mx) * (a - mx));
        // One lr step is the finest change the grid can show; over the batch-size range that bounds the slope's resolution.
        var lrs = data.LearningRates;
        double lrStep = lrs.Count > 1 ? lrs.Zip(lrs.Skip(1), (a, b) => Math.Log10(b / a)).Min() : double.PositiveInfinity;
        double resolution = lrStep / (x.Max() - x.Min());
        var atEdge = best.Where(b => b.Best.Lr == b.Tried[0] || b.Best.Lr == b.Tried[^1]).Select(b => b.Batch).ToList();
        string edge = atEdge.Count > 0 ? $" The best lr sits at the edge of the grid for batch size {string.Join(", ", atEdge)}, so the optimum may lie outside it." : "";
        string reading = resolution > 0.25
            ? $"the grid is too coarse to tell (one lr step changes the slope by {F(resolution)}; add learning rates between the ones tried)"
            : Math.Abs(slope - 1) < 0.25 ? "near 1: the linear scaling rule"
            : Math.Abs(slope - 0.5) < 0.25 ? "near 0.5: square-root scaling"
            : Math.Abs(slope) < 0.25 ? "near 0: the best lr does not change with batch size"
            : slope < 0 ? "negative: larger batches preferred smaller learning rates here" : "above 1";
        string together = resolution > 0.25 ? "" : slope > 0 ? " Smaller batches preferred smaller learning rates, as the claim says." : " Smaller batches did not prefer smaller learning rates here.";
        return $"Best learning rate per batch size: {list}. The log-log slope of best lr against batch size is {F(slope)}, {reading}.{together}{edge}";
    }

    private static string F(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);
}
