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
            if (!part.Cells.Any(c => c.ChoiceLoss is not null))
            {
                lines.Add(prefix + "No run has completed yet, so there is nothing to compare.");
                continue;
            }
            var steps = StepsToTarget.Of(part);
            lines.Add(prefix + (steps is null ? LinearScalingControl(part) ?? BatchSizeEffect(part)
                : "Batch size: these runs stop when they reach the target, so their losses are the target's by design and are not compared; what batch size changes is the steps they took (below)."));
            lines.Add(prefix + BestCell(part));
            if (Convergence(part) is { } convergence)
            {
                lines.Add(prefix + convergence);
            }
            if (steps is not null)
            {
                lines.AddRange(steps.Findings().Select(l => prefix + l));
            }
            lines.Add(prefix + LearningRateScaling(part));
        }
        if (NoiseScaleLine(data) is { } noise)
        {
            lines.Add(noise);
        }
        return lines;
    }

    /// <summary>B_simple at initial and final weights, beside the critical batch size steps to target measured.</summary>
    private static string? NoiseScaleLine(ReportData data)
    {
        if (data.NoiseScales.Count == 0)
        {
            return null;
        }
        static string Describe(IReadOnlyList<double> values) => values.Count == 1 ? F(values[0])
            : $"median {F(values.Order().ElementAt(values.Count / 2))} over {values.Count} runs ({F(values.Min())} to {F(values.Max())})";
        var init = data.NoiseScales.Where(n => n.State == "init" && n.BSimple is not null).Select(n => n.BSimple!.Value).ToList();
        var final = data.NoiseScales.Where(n => n.State == "final" && n.BSimple is not null).Select(n => n.BSimple!.Value).ToList();
        string parts = string.Join("; ", new[]
        {
            init.Count > 0 ? $"at initial weights {Describe(init)}" : null,
            final.Count > 0 ? $"at the end of training {Describe(final)}" : null,
        }.Where(p => p is not null));
        string critical = StepsToTarget.Of(data)?.CriticalBatch is { } b ? $"; the critical batch size measured by steps to target is B_crit = {b}" : "";
        return $"Gradient noise scale B_simple = tr(Σ) / |G|² (McCandlish et al. 2018, two-batch estimator): {parts}{critical}. "
            + "The paper finds B_simple tracking the critical batch size to within about an order of magnitude, both growing as the loss falls; it is an estimate of where batch size stops paying, not a measurement of it.";
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

    /// <summary>
    /// For each learning rate, the slope of the reported test loss against log₂ batch size over every
    /// seed, with a t interval; Bonferroni-corrected over the learning rates of the facet, so the
    /// intervals hold together at 95 %. The claim holds where an interval lies above zero.
    /// </summary>
    private static string BatchSizeEffect(ReportData data)
    {
        var lrs = data.LearningRates.Where(lr => data.Cells.Count(c => c.Lr == lr && c.ReportedTestLoss is not null) >= 2).ToList();
        if (lrs.Count == 0)
        {
            return "Batch size: no learning rate was tried with two or more batch sizes, so the claim cannot be tested.";
        }
        bool validation = data.Cells.Any(c => c.HasValidation);
        double confidence = 1 - 0.05 / lrs.Count;
        int holds = 0, contradicted = 0, unresolved = 0;
        var details = new List<string>();
        foreach (double lr in lrs)
        {
            var points = data.Cells.Where(c => c.Lr == lr).SelectMany(c => c.Runs)
                .Where(r => r.Status == RunStatus.Completed)
                .Select(r => (r.BatchSize, Value: (validation ? r.BestTestLoss : r.FinalTestLoss) ?? double.NaN)).ToList();
            BatchSlope? fit = BatchSlope.Fit(points, confidence);
            SlopeReading reading = fit?.Reading ?? SlopeReading.NotResolved;
            (holds, contradicted, unresolved) = reading switch
            {
                SlopeReading.Holds => (holds + 1, contradicted, unresolved),
                SlopeReading.Contradicted => (holds, contradicted + 1, unresolved),
                _ => (holds, contradicted, unresolved + 1),
            };
            details.Add(fit is null
                ? $"lr={RunConfig.FormatLr(lr)}: {points.Count} runs, too few for an interval"
                : $"lr={RunConfig.FormatLr(lr)}: {fit} ({reading switch { SlopeReading.Holds => "smaller is better", SlopeReading.Contradicted => "larger is better", _ => "not resolved" }}, {fit.Runs} runs)");
        }
        string metric = validation ? "test loss at the epoch validation chose" : "final test loss";
        string level = lrs.Count > 1
            ? $"{F(confidence * 100)}% intervals, so that all {lrs.Count} hold together at 95% (Bonferroni)"
            : "95% interval";
        string verdict = holds == lrs.Count ? "holds"
            : contradicted == lrs.Count ? "is contradicted"
            : unresolved == lrs.Count ? "is not resolved by these runs"
            : $"holds at {holds}, is contradicted at {contradicted} and is not resolved at {unresolved} of {lrs.Count} learning rates";
        string seeds = data.HasRepeats ? "" : " One seed per configuration: the intervals rest on the scatter between batch sizes alone; use 'repeats' for seeds.";
        string chosen = validation ? "" : " (No validation set: the last epoch is judged, converged or not; set validation_size to judge each run at its best epoch.)";
        int open = data.Cells.Count(c => c.NotConverged);
        string epochs = validation && open > 0 && holds > 0
            ? $" This is within the epochs trained: {open} of {data.Cells.Count} cells were still improving at their last epoch, so a larger batch may only have trained less (fewer steps), not generalise worse."
            : "";
        return $"Batch size: the {metric} against log₂ batch size, slope per doubling with its {level}: {string.Join("; ", details)}. "
            + $"The claim that smaller batches reach a lower test loss {verdict} on this grid.{epochs}{seeds}{chosen}";
    }

    /// <summary>
    /// A linear-scaling control (lr ∝ batch size, Goyal et al. 2017: lr_scaled_from_batch, or a zip of
    /// proportional pairs) has one lr per batch size and one lr ÷ batch size, so it is judged along that
    /// line: the slope of the test loss against log₂ batch size over every seed, with its 95% interval.
    /// Flat means lr ÷ batch size is what matters.
    /// </summary>
    private static string? LinearScalingControl(ReportData data)
    {
        var cells = data.Cells.Where(c => c.Runs.Any(r => r.Status == RunStatus.Completed)).ToList();
        bool oneLrPerBatch = cells.GroupBy(c => c.BatchSize).All(g => g.Count() == 1);
        var ratios = cells.Select(c => c.Lr / c.BatchSize).ToList();
        if (cells.Count < 2 || !oneLrPerBatch || ratios.Max() - ratios.Min() > 1e-9 * ratios.Max())
        {
            return null;
        }
        bool validation = data.Cells.Any(c => c.HasValidation);
        var points = data.Runs.Where(r => r.Status == RunStatus.Completed)
            .Select(r => (r.BatchSize, Value: (validation ? r.BestTestLoss : r.FinalTestLoss) ?? double.NaN)).ToList();
        BatchSlope? fit = BatchSlope.Fit(points, 0.95);
        string metric = validation ? "test loss at the epoch validation chose" : "final test loss";
        string reading = fit?.Reading switch
        {
            SlopeReading.Holds => "it rises with batch size even with the learning rate scaled: scaling the lr does not make up for the larger batch here",
            SlopeReading.Contradicted => "it falls with batch size: with the lr scaled, larger batches did better here",
            SlopeReading.NotResolved => "no trend is resolved: with the lr scaled in proportion, batch size made no difference the runs can show, as the linear scaling rule says",
            _ => "too few runs for an interval",
        };
        return $"Linear-scaling control (lr ∝ batch size): the {metric} against log₂ batch size along that line, {(fit is null ? "" : $"{fit} (95% interval, {fit.Runs} runs): ")}{reading}.";
    }

    private static string BestCell(ReportData data)
    {
        GridCell best = data.Cells.Where(c => c.ChoiceLoss is not null).MinBy(c => c.ChoiceLoss!.Value.Mean)!;
        if (!best.HasValidation)
        {
            string accuracy = best.TestAccuracy is { } a ? $", test accuracy {F(a.Mean * 100)}%" : "";
            return $"Best cell: lr={RunConfig.FormatLr(best.Lr)}, batch size {best.BatchSize} with final test loss {F(best.TestLoss!.Value.Mean)}{accuracy} "
                + "(chosen on the test set that also reports it, so optimistic; set validation_size to choose on held-out training images).";
        }
        string atBest = best.BestEpochTestAccuracy is { } ba ? $", test accuracy {F(ba.Mean * 100)}%" : "";
        string final = best.TestLoss is { } f ? $"; final test loss {F(f.Mean)}" : "";
        return $"Best cell, chosen on validation loss: lr={RunConfig.FormatLr(best.Lr)}, batch size {best.BatchSize}, validation loss {F(best.ValidationLoss!.Value.Mean)}; "
            + $"test loss at the chosen epoch {F(best.BestEpochTestLoss!.Value.Mean)}{atBest}{final}.";
    }

    /// <summary>Cells whose best validation epoch is their last: still improving, so their numbers are not converged.</summary>
    private static string? Convergence(ReportData data)
    {
        var cells = data.Cells.Where(c => c.HasValidation).ToList();
        if (cells.Count == 0)
        {
            return null;
        }
        var open = cells.Where(c => c.NotConverged).ToList();
        return open.Count == 0
            ? $"Every cell reached its lowest validation loss before its last epoch: the comparisons are between converged runs."
            : $"{open.Count} of {cells.Count} cells had some seed's lowest validation loss at its last epoch (marked \"not converged\"): "
                + $"{string.Join(", ", open.Select(c => $"lr={RunConfig.FormatLr(c.Lr)} batch {c.BatchSize}"))}; more epochs could change them, so differences there may be speed of training, not where training ends.";
    }

    /// <summary>Fits log10(best lr) against log10(batch size): slope 1 is the linear scaling rule, 0.5 square-root scaling.</summary>
    private static string LearningRateScaling(ReportData data)
    {
        var best = data.BatchSizes
            .Select(b => (Batch: b, Cells: data.Cells.Where(c => c.BatchSize == b && c.ChoiceLoss is not null).ToList()))
            .Where(x => x.Cells.Count > 0)
            .Select(x => (x.Batch, Best: x.Cells.MinBy(c => c.ChoiceLoss!.Value.Mean)!, Tried: x.Cells.Select(c => c.Lr).Order().ToList()))
            .ToList();
        string list = string.Join(", ", best.Select(b => $"batch {b.Batch} → lr={RunConfig.FormatLr(b.Best.Lr)}"))
            + (data.Cells.Any(c => c.HasValidation) ? " (chosen on validation loss)" : "");
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
