using ScottPlot;

namespace Sweep.Reporting.Figures;

/// <summary>
/// The reference's metric and ours against batch size, one panel per group of the other settings
/// the reference names (for Kandel & Castelli: Adam 1e-4, Adam 1e-3, SGD 1e-4, SGD 1e-3). Both
/// are drawn on one axis as the change from their own smallest batch size (ours: mean ± sd over
/// seeds, the change of each seed's cell means): the data sets differ, so the levels are not
/// comparable, but changes in the same unit are, and a noise band is never stretched to the
/// height of a real rise as two independent axes would.
/// </summary>
internal static class ReferenceFigure
{
    public const string FileName = "reference_vs_ours_by_batch_size.png";

    public static bool Save(ReferenceComparison comparison, string path)
    {
        var groups = comparison.Groups.Where(g => g.Cells.Count > 0 && g.Cells.All(c => c.BatchSize is not null)).ToList();
        if (groups.Count == 0)
        {
            return false;
        }
        var panels = new List<Plot>();
        foreach (ReferenceGroup group in groups)
        {
            Plot plot = FigureStyle.NewPlot(group.Label, "batch size (log2 scale)", $"change in {comparison.Metric} from batch {group.Cells[0].BatchSize}");
            double[] xs = group.Cells.Select(c => Math.Log2(c.BatchSize!.Value)).ToArray();
            double referenceStart = group.Cells[0].Reference, ourStart = group.Cells[0].Ours.Mean;
            var reference = plot.Add.Scatter(xs, group.Cells.Select(c => c.Reference - referenceStart).ToArray(), Colors.Black);
            reference.LegendText = "reference";
            reference.LineWidth = 2;
            reference.MarkerSize = 8;
            double[] ours = group.Cells.Select(c => c.Ours.Mean - ourStart).ToArray();
            var bars = plot.Add.ErrorBar(xs, ours, group.Cells.Select(c => c.Ours.Std).ToArray());
            bars.Color = FigureStyle.ColorAt(0);
            var mine = plot.Add.Scatter(xs, ours, FigureStyle.ColorAt(0));
            mine.LegendText = "ours (mean ± sd over seeds)";
            mine.LineWidth = 2;
            mine.MarkerSize = 8;
            var zero = plot.Add.HorizontalLine(0, 1, Colors.Gray, LinePattern.Dotted);
            var ticks = new ScottPlot.TickGenerators.NumericManual();
            foreach (long batch in group.Cells.Select(c => c.BatchSize!.Value))
            {
                ticks.AddMajor(Math.Log2(batch), batch.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
            plot.Axes.Bottom.TickGenerator = ticks;
            plot.Axes.Margins(horizontal: 0.1, vertical: 0.15);
            plot.ShowLegend(Alignment.LowerLeft);
            panels.Add(plot);
        }
        FigureStyle.SavePanels(panels, path);
        return true;
    }
}
