using ScottPlot;
using Sweep.Kernel;
using Sweep.Storage;

namespace Sweep.Reporting.Figures;

/// <summary>
/// A final metric against lr ÷ batch size on a log axis, a series per optimizer, each point the
/// mean over seeds of one configuration. Kandel & Castelli's best cells sit at similar ratios;
/// this shows whether ours do.
/// </summary>
internal sealed class LrPerBatchFigure(string fileName, string metricName, Func<RunRow, double?> metric) : IFigure
{
    public string FileName => fileName;

    public bool Save(ReportData data, string path)
    {
        var points = data.Runs.Where(r => r.Status == RunStatus.Completed && metric(r) is { } v && double.IsFinite(v))
            .GroupBy(r => (r.Optimizer, Facet: FacetKey(r), r.Lr, r.BatchSize))
            .Select(g => (g.Key.Optimizer, g.Key.Lr, g.Key.BatchSize, X: Math.Log10(g.Key.Lr / g.Key.BatchSize), Value: Spread.Of(g.Select(r => metric(r)!.Value))!.Value))
            .ToList();
        if (points.Count == 0)
        {
            return false;
        }
        Plot plot = FigureStyle.NewPlot($"Final {metricName} against learning rate ÷ batch size\n{data.Subject}", "lr / batch size (log scale)", $"final {metricName}");
        // Colour: batch size (as in every figure); marker: optimizer; each point is labelled with its lr.
        var optimizers = points.Select(p => p.Optimizer).Distinct().Order(StringComparer.Ordinal).ToList();
        var batchSizes = points.Select(p => p.BatchSize).Distinct().Order().ToList();
        MarkerShape[] shapes = [MarkerShape.FilledCircle, MarkerShape.FilledSquare, MarkerShape.FilledTriangleUp, MarkerShape.FilledDiamond];
        for (int o = 0; o < optimizers.Count; o++)
        {
            for (int b = 0; b < batchSizes.Count; b++)
            {
                var mine = points.Where(p => p.Optimizer == optimizers[o] && p.BatchSize == batchSizes[b]).OrderBy(p => p.X).ToList();
                if (mine.Count == 0)
                {
                    continue;
                }
                Color color = FigureStyle.BatchColor(b, batchSizes.Count);
                double[] xs = mine.Select(p => p.X).ToArray();
                double[] ys = mine.Select(p => p.Value.Mean).ToArray();
                if (mine.Any(p => p.Value.Count > 1))
                {
                    plot.Add.ErrorBar(xs, ys, mine.Select(p => p.Value.Std).ToArray()).Color = color;
                }
                var markers = plot.Add.ScatterPoints(xs, ys, color);
                markers.MarkerSize = 9;
                markers.MarkerShape = shapes[o % shapes.Length];
                markers.LegendText = optimizers.Count > 1 ? $"{optimizers[o]}, batch {batchSizes[b]}" : $"batch {batchSizes[b]}";
                foreach (var p in mine)
                {
                    var label = plot.Add.Text($"lr {FigureStyle.Lr(p.Lr)}", p.X, p.Value.Mean);
                    label.LabelFontSize = 10;
                    label.LabelFontColor = color;
                    label.OffsetX = 7;
                    label.OffsetY = -7;
                }
            }
        }
        FigureStyle.UseDecadeTicks(plot.Axes.Bottom, points.Select(p => p.X));
        plot.Axes.Margins(horizontal: 0.15, vertical: 0.1); // room for the lr labels at the ends
        plot.ShowLegend(Edge.Right);
        FigureStyle.SavePlot(plot, path, 860, 520);
        return true;
    }

    /// <summary>Configurations that differ in more than optimizer, lr and batch size stay separate points.</summary>
    private static string FacetKey(RunRow run) =>
        string.Join(",", ReportData.SettingsOf(run).Where(p => p.Key is not ("lr" or "batch_size" or "seed")).Select(p => p.Value));
}
