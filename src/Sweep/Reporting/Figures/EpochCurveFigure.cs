using ScottPlot;
using Sweep.Kernel;
using Sweep.Storage;

namespace Sweep.Reporting.Figures;

/// <summary>
/// A per-epoch metric: one panel per batch size, one line per learning rate, the same y range in
/// every panel so panels compare. With several seeds a line is their mean and a band shows ± one
/// standard deviation. The legend sits outside the plot so it never hides a line.
/// </summary>
internal sealed class EpochCurveFigure(string fileName, string metricName, Func<EpochRow, double> metric) : IFigure
{
    public string FileName => fileName;

    public bool Save(ReportData data, string path)
    {
        var lrs = data.LearningRates;
        var panels = new List<Plot>();
        var allValues = new List<double>();
        foreach (long batchSize in data.BatchSizes)
        {
            Plot plot = FigureStyle.NewPlot($"{metricName}, batch size {batchSize}\n{data.Subject}", "epoch", metricName);
            for (int i = 0; i < lrs.Count; i++)
            {
                GridCell? cell = data.Cell(lrs[i], batchSize);
                var curve = cell is null ? [] : data.Curve(cell, metric);
                if (curve.Count == 0)
                {
                    continue;
                }
                double[] xs = curve.Select(p => (double)p.Epoch).ToArray();
                double[] ys = curve.Select(p => p.Value.Mean).ToArray();
                // A diverged curve is drawn but does not set the shared range, or it would flatten the rest.
                bool scales = cell!.Runs.Any(r => r.Status != RunStatus.Diverged);
                if (curve.Any(p => p.Value.Count > 1))
                {
                    var band = plot.Add.FillY(xs, curve.Select(p => p.Value.Mean - p.Value.Std).ToArray(), curve.Select(p => p.Value.Mean + p.Value.Std).ToArray());
                    band.FillStyle.Color = FigureStyle.LrColor(i, lrs.Count).WithAlpha(0.2);
                    band.LineStyle.Width = 0;
                    if (scales)
                    {
                        allValues.AddRange(curve.Select(p => p.Value.Mean + p.Value.Std));
                        allValues.AddRange(curve.Select(p => p.Value.Mean - p.Value.Std));
                    }
                }
                var line = plot.Add.Scatter(xs, ys, FigureStyle.LrColor(i, lrs.Count));
                string seeds = cell.Runs.Count > 1 ? $" (mean of {cell.Runs.Count} seeds)" : "";
                line.LegendText = FigureStyle.LegendFor(i, lrs.Count, $"lr={FigureStyle.Lr(lrs[i])}{seeds}" + (cell.Problem is { } problem ? $" ({problem})" : ""));
                line.LineWidth = 2;
                line.MarkerSize = 5;
                if (scales)
                {
                    allValues.AddRange(ys);
                }
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
            plot.ShowLegend(Edge.Right);
        }
        FigureStyle.SavePanels(panels, path);
        return true;
    }
}
