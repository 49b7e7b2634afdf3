using ScottPlot;

namespace Sweep.Reporting;

/// <summary>
/// A final metric against learning rate on a log axis, one line per batch size: where the lr
/// optimum is, and how it moves with batch size. Seeds of one configuration are averaged.
/// </summary>
internal sealed class FinalMetricVsLrFigure(string fileName, string metricName, Func<Storage.RunRow, double?> metric) : IFigure
{
    public string FileName => fileName;

    public bool Save(ReportData data, string path)
    {
        Plot plot = FigureStyle.NewPlot($"Final {metricName} against learning rate\n{data.Subject}", "learning rate (log scale)", $"final {metricName}");
        var batchSizes = data.BatchSizes;
        bool any = false;
        for (int i = 0; i < batchSizes.Count; i++)
        {
            var points = data.Runs
                .Where(r => r.BatchSize == batchSizes[i] && metric(r) is { } v && double.IsFinite(v))
                .GroupBy(r => r.Lr)
                .OrderBy(g => g.Key)
                .Select(g => (X: Math.Log10(g.Key), Y: g.Average(r => metric(r)!.Value)))
                .ToList();
            if (points.Count == 0)
            {
                continue;
            }
            var line = plot.Add.Scatter(points.Select(p => p.X).ToArray(), points.Select(p => p.Y).ToArray(), FigureStyle.ColorAt(i));
            line.LegendText = $"batch size {batchSizes[i]}";
            line.LineWidth = 2;
            line.MarkerSize = 8;
            any = true;
        }
        if (!any)
        {
            return false;
        }
        FigureStyle.UseLog10Ticks(plot, data.LearningRates, FigureStyle.Lr);
        plot.Axes.Margins(horizontal: 0.08, vertical: 0.1);
        plot.ShowLegend();
        FigureStyle.SavePlot(plot, path);
        return true;
    }
}
