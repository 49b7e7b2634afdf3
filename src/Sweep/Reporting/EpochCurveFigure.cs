using ScottPlot;
using Sweep.Storage;

namespace Sweep.Reporting;

/// <summary>
/// A per-epoch metric: one panel per batch size, one line per learning rate, the same y range in
/// every panel so panels compare. Runs that share lr and batch size (other seeds) are averaged.
/// </summary>
internal sealed class EpochCurveFigure(string fileName, string metricName, Func<EpochRow, double> metric) : IFigure
{
    public string FileName => fileName;

    public bool Save(ReportData data, string path)
    {
        var batchSizes = data.BatchSizes;
        var lrs = data.LearningRates;
        var panels = new List<Plot>();
        var allValues = new List<double>();
        foreach (long batchSize in batchSizes)
        {
            Plot plot = FigureStyle.NewPlot($"{metricName}, batch size {batchSize}\n{data.Subject}", "epoch", metricName);
            for (int i = 0; i < lrs.Count; i++)
            {
                var runs = data.Runs.Where(r => r.BatchSize == batchSize && r.Lr == lrs[i]).ToList();
                var curve = runs.SelectMany(data.EpochsOf)
                    .GroupBy(e => e.Epoch)
                    .OrderBy(g => g.Key)
                    .Select(g => (Epoch: (double)g.Key, Value: g.Average(metric)))
                    .Where(p => double.IsFinite(p.Value))
                    .ToList();
                if (curve.Count == 0)
                {
                    continue;
                }
                var line = plot.Add.Scatter(curve.Select(p => p.Epoch).ToArray(), curve.Select(p => p.Value).ToArray(), FigureStyle.ColorAt(i));
                line.LegendText = $"lr={FigureStyle.Lr(lrs[i])}" + (runs.Any(r => r.Status == "diverged") ? " (diverged)" : "");
                line.LineWidth = 2;
                line.MarkerSize = 5;
                allValues.AddRange(curve.Select(p => p.Value));
            }
            panels.Add(plot);
        }
        if (allValues.Count == 0)
        {
            return false;
        }
        double low = allValues.Min(), high = allValues.Max();
        double margin = Math.Max((high - low) * 0.05, 1e-6);
        foreach (Plot plot in panels)
        {
            plot.Axes.SetLimitsY(low - margin, high + margin);
            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
            plot.ShowLegend();
        }
        FigureStyle.SavePanels(panels, path);
        return true;
    }
}
