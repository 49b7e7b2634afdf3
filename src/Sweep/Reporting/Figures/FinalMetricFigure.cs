using ScottPlot;

namespace Sweep.Reporting.Figures;

/// <summary>Which setting is on the x axis of a final-metric figure.</summary>
internal enum FinalMetricAxis
{
    LearningRate, // log10 axis, one line per batch size
    BatchSize,    // log2 axis, one line per learning rate
}

/// <summary>
/// A final metric (mean over seeds, with error bars of ± one standard deviation when there are
/// several) against learning rate or batch size on a log axis.
/// </summary>
internal sealed class FinalMetricFigure(string fileName, string metricName, FinalMetricAxis axis, Func<GridCell, Spread?> metric) : IFigure
{
    /// <summary>Up to this many learning rates each get a labelled tick; more get decade ticks, so labels never overlap.</summary>
    private const int MaxLabelledValues = 8;

    public string FileName => fileName;

    public bool Save(ReportData data, string path)
    {
        bool byLr = axis == FinalMetricAxis.LearningRate;
        Plot plot = FigureStyle.NewPlot($"Final {metricName} against {(byLr ? "learning rate" : "batch size")}\n{data.Subject}",
            byLr ? "learning rate (log scale)" : "batch size (log2 scale)", $"final {metricName}");
        var series = byLr ? data.BatchSizes.Select(b => (double)b).ToList() : data.LearningRates.ToList();
        bool any = false;
        for (int i = 0; i < series.Count; i++)
        {
            var points = data.Cells
                .Where(c => byLr ? c.BatchSize == (long)series[i] : c.Lr == series[i])
                .Select(c => (X: byLr ? Math.Log10(c.Lr) : Math.Log2(c.BatchSize), Value: metric(c)))
                .Where(p => p.Value is not null)
                .OrderBy(p => p.X)
                .ToList();
            if (points.Count == 0)
            {
                continue;
            }
            double[] xs = points.Select(p => p.X).ToArray();
            double[] ys = points.Select(p => p.Value!.Value.Mean).ToArray();
            if (points.Any(p => p.Value!.Value.Count > 1))
            {
                var bars = plot.Add.ErrorBar(xs, ys, points.Select(p => p.Value!.Value.Std).ToArray());
                bars.Color = (byLr ? FigureStyle.BatchColor(i, series.Count) : FigureStyle.LrColor(i, series.Count));
            }
            var line = plot.Add.Scatter(xs, ys, (byLr ? FigureStyle.BatchColor(i, series.Count) : FigureStyle.LrColor(i, series.Count)));
            line.LegendText = FigureStyle.LegendFor(i, series.Count, byLr ? $"batch size {series[i]}" : $"lr={FigureStyle.Lr(series[i])}");
            line.LineWidth = 2;
            line.MarkerSize = 8;
            any = true;
            if (byLr && data.SuggestedLr.TryGetValue((long)series[i], out double suggested))
            {
                // What `lr-find` suggested for this batch size, to read the quick test against the grid.
                var mark = plot.Add.VerticalLine(Math.Log10(suggested), 1.5f, (byLr ? FigureStyle.BatchColor(i, series.Count) : FigureStyle.LrColor(i, series.Count)), LinePattern.Dashed);
                mark.LegendText = FigureStyle.LegendFor(i, series.Count, $"lr-find, batch size {series[i]}");
            }
        }
        if (!any)
        {
            return false;
        }
        if (byLr && data.LearningRates.Count > MaxLabelledValues)
        {
            FigureStyle.UseDecadeTicks(plot.Axes.Bottom, data.LearningRates.Select(Math.Log10));
        }
        else
        {
            var ticks = new ScottPlot.TickGenerators.NumericManual();
            foreach (var value in byLr ? data.LearningRates : data.BatchSizes.Select(b => (double)b))
            {
                ticks.AddMajor(byLr ? Math.Log10(value) : Math.Log2(value), byLr ? FigureStyle.Lr(value) : FigureStyle.Number(value));
            }
            plot.Axes.Bottom.TickGenerator = ticks;
        }
        plot.Axes.Margins(horizontal: 0.08, vertical: 0.1);
        plot.ShowLegend(Edge.Right);
        FigureStyle.SavePlot(plot, path, 860, 520);
        return true;
    }
}
