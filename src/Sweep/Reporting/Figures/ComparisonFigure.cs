using ScottPlot;

namespace Sweep.Reporting.Figures;

/// <summary>Test loss by epoch of every matched run: machine A solid, machine B dashed, one colour per run.</summary>
internal static class ComparisonFigure
{
    public static bool Save(DatabaseComparison comparison, string nameA, string nameB, string path)
    {
        if (comparison.Matched.Count == 0)
        {
            return false;
        }
        Plot plot = FigureStyle.NewPlot($"Test loss by epoch: {nameA} (solid) vs {nameB} (dashed)", "epoch", "test loss");
        int i = 0;
        foreach (MatchedRun m in comparison.Matched.Take(10))
        {
            foreach (var (epochs, dashed, name) in new[] { (m.EpochsA, false, nameA), (m.EpochsB, true, nameB) })
            {
                var points = epochs.Where(e => e.TestLoss is { } l && double.IsFinite(l)).ToList();
                if (points.Count == 0)
                {
                    continue;
                }
                var line = plot.Add.Scatter(points.Select(e => (double)e.Epoch).ToArray(), points.Select(e => e.TestLoss!.Value).ToArray(), FigureStyle.ColorAt(i));
                line.LineWidth = 2;
                line.LinePattern = dashed ? LinePattern.Dashed : LinePattern.Solid;
                line.LegendText = $"lr={FigureStyle.Lr(m.A.Lr)} batch {m.A.BatchSize} seed {m.A.Seed} ({name})";
            }
            i++;
        }
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        plot.ShowLegend(Edge.Right);
        FigureStyle.SavePlot(plot, path, 1100, 560);
        return true;
    }
}
