using ScottPlot;

namespace Sweep.Reporting.Figures;

/// <summary>
/// Steps to the target against batch size on log-log axes, as Shallue et al. (2019) draw it: each
/// seed at the batch size's best learning rate, the perfect-scaling line through the smallest batch
/// (doubling the batch halves the steps), and the fitted S(B) = S_min (1 + B_crit / B).
/// </summary>
internal sealed class StepsToTargetFigure : IFigure
{
    public const string Name = "steps_to_target_vs_batch_size.png";

    public string FileName => Name;

    public bool Save(ReportData data, string path)
    {
        if (StepsToTarget.Of(data) is not { Batches.Count: > 0 } steps)
        {
            return false;
        }
        Plot plot = FigureStyle.NewPlot($"Steps to target against batch size\n{data.Subject}", "batch size (log scale)", "steps to target (log scale)");
        var xs = steps.Batches.SelectMany(b => b.Steps.Select(_ => Math.Log10(b.BatchSize))).ToArray();
        var ys = steps.Batches.SelectMany(b => b.Steps.Select(s => Math.Log10(s))).ToArray();
        var seeds = plot.Add.ScatterPoints(xs, ys, FigureStyle.ColorAt(0));
        seeds.MarkerSize = 8;
        seeds.LegendText = "each seed at the batch size's best lr";
        BatchSteps first = steps.Batches[0];
        double b0 = first.BatchSize, s0 = first.Steps.Average();
        double bMax = steps.Batches[^1].BatchSize;
        var range = Enumerable.Range(0, 50).Select(i => b0 * Math.Pow(bMax / b0, i / 49.0)).ToList();
        var perfect = plot.Add.Scatter(range.Select(Math.Log10).ToArray(), range.Select(b => Math.Log10(s0 * b0 / b)).ToArray(), Colors.Gray);
        perfect.LinePattern = LinePattern.Dashed;
        perfect.MarkerSize = 0;
        perfect.LegendText = "perfect scaling (steps ∝ 1 / batch)";
        if (steps.MinSteps is { } sMin && steps.CriticalBatch is { } critical && sMin.Value > 0)
        {
            var fitted = plot.Add.Scatter(range.Select(Math.Log10).ToArray(), range.Select(b => Math.Log10(sMin.Value * (1 + critical.Value / b))).ToArray(), Colors.Black);
            fitted.MarkerSize = 0;
            fitted.LineWidth = 2;
            fitted.LegendText = $"fit: S_min {sMin.Value:G3}, B_crit {critical.Value:G3}";
        }
        FigureStyle.UseLog10Ticks(plot, steps.Batches.Select(b => (double)b.BatchSize), b => b.ToString(System.Globalization.CultureInfo.InvariantCulture));
        FigureStyle.UseDecadeTicks(plot.Axes.Left, ys);
        plot.ShowLegend(Alignment.UpperRight);
        FigureStyle.SavePlot(plot, path);
        return true;
    }
}
