using ScottPlot;

namespace Sweep.Reporting.Figures;

/// <summary>
/// A metric over the lr × batch-size grid: one coloured cell per configuration with its value
/// written in it (± the seed spread when there are several), and cells without a result marked
/// "diverged", "failed" or "running" in grey. A figure of validation-based numbers is drawn only
/// when the runs have a validation set, and marks the cells whose best epoch was their last.
/// </summary>
internal sealed class GridHeatmapFigure(string fileName, string title, string format, bool higherIsBetter, Func<GridCell, Spread?> metric,
    bool validationOnly = false) : IFigure
{
    private const int MaxWidth = 1600;
    private const int MaxHeight = 1100;

    public string FileName => fileName;

    public bool Save(ReportData data, string path)
    {
        var lrs = data.LearningRates;
        var batches = data.BatchSizes;
        var values = data.Cells.Select(metric).Where(v => v is not null).Select(v => v!.Value.Mean).ToList();
        if (lrs.Count == 0 || batches.Count == 0 || data.Cells.Count == 0 || validationOnly && !data.Cells.Any(c => c.HasValidation))
        {
            return false;
        }
        double low = values.Count > 0 ? values.Min() : 0, high = values.Count > 0 ? values.Max() : 1;
        // Bounded size: a 40 × 8 grid stays a readable picture; small cells drop their text.
        int width = Math.Clamp(150 * lrs.Count + 160, 560, MaxWidth), height = Math.Clamp(110 * batches.Count + 140, 420, MaxHeight);
        bool cellText = (width - 160.0) / lrs.Count >= 80 && (height - 140.0) / batches.Count >= 45;
        Plot plot = FigureStyle.NewPlot($"{title}\n{data.Subject}", "learning rate", "batch size");
        var colormap = new ScottPlot.Colormaps.Viridis();
        for (int x = 0; x < lrs.Count; x++)
        {
            for (int y = 0; y < batches.Count; y++)
            {
                GridCell? cell = data.Cell(lrs[x], batches[y]);
                Spread? value = cell is null ? null : metric(cell);
                var rectangle = plot.Add.Rectangle(x, x + 1, y, y + 1);
                rectangle.LineStyle.Color = Colors.White;
                rectangle.LineStyle.Width = 2;
                string label;
                Color textColor = Colors.Black;
                if (value is { } v)
                {
                    double t = high > low ? (v.Mean - low) / (high - low) : 0.5;
                    rectangle.FillStyle.Color = colormap.GetColor(higherIsBetter ? t : 1 - t);
                    textColor = (higherIsBetter ? t : 1 - t) < 0.6 ? Colors.White : Colors.Black;
                    label = v.Mean.ToString(format, System.Globalization.CultureInfo.InvariantCulture)
                        + (v.Count > 1 ? "\n± " + v.Std.ToString(format, System.Globalization.CultureInfo.InvariantCulture) : "")
                        + (validationOnly && cell!.NotConverged ? "\nnot converged" : "");
                }
                else
                {
                    rectangle.FillStyle.Color = Colors.LightGray;
                    label = cell?.Problem ?? "no run";
                }
                if (!cellText)
                {
                    continue;
                }
                var text = plot.Add.Text(label, x + 0.5, y + 0.5);
                text.LabelFontSize = 13;
                text.LabelBold = true;
                text.LabelFontColor = textColor;
                text.LabelAlignment = Alignment.MiddleCenter;
            }
        }
        var xTicks = new ScottPlot.TickGenerators.NumericManual();
        int every = (int)Math.Ceiling(lrs.Count / 12.0); // at most about 12 labels, so they never overlap
        for (int x = 0; x < lrs.Count; x += every)
        {
            xTicks.AddMajor(x + 0.5, FigureStyle.Lr(lrs[x]));
        }
        var yTicks = new ScottPlot.TickGenerators.NumericManual();
        for (int y = 0; y < batches.Count; y++)
        {
            yTicks.AddMajor(y + 0.5, batches[y].ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        plot.Axes.Bottom.TickGenerator = xTicks;
        plot.Axes.Left.TickGenerator = yTicks;
        plot.Axes.SetLimits(0, lrs.Count, 0, batches.Count);
        plot.HideGrid();
        FigureStyle.SavePlot(plot, path, width, height);
        return true;
    }
}
