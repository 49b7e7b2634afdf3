using ScottPlot;
using Sweep.Storage;

namespace Sweep.Reporting.Figures;

/// <summary>
/// The LR range tests of a sweep: the smoothed training loss against the learning rate (log
/// scale), one curve per batch size, with each suggestion marked on its curve — a filled circle at
/// the steepest descent, an open square at the minimum ÷ 10.
/// </summary>
internal static class LrFindFigure
{
    public const string FileName = "lr_find.png";

    public static void Save(string sweepName, IReadOnlyList<LrFindRecord> tests, string path)
    {
        Plot plot = FigureStyle.NewPlot($"LR range test: smoothed training loss as the learning rate rises\n{sweepName}",
            "learning rate (log scale)   ● steepest descent   □ minimum ÷ 10", "smoothed training loss");
        var allX = new List<double>();
        var allY = new List<double>();
        for (int i = 0; i < tests.Count; i++)
        {
            LrFindRecord test = tests[i];
            var points = test.Curve.Points.Where(p => double.IsFinite(p.Smoothed)).ToList();
            if (points.Count == 0)
            {
                continue;
            }
            Color color = FigureStyle.BatchColor(i, tests.Count);
            double[] xs = points.Select(p => Math.Log10(p.Lr)).ToArray();
            allX.AddRange(xs);
            allY.AddRange(points.Select(p => p.Smoothed));
            var line = plot.Add.ScatterLine(xs, points.Select(p => p.Smoothed).ToArray(), color);
            line.LineWidth = 2;
            line.LegendText = FigureStyle.LegendFor(i, tests.Count, $"batch {test.BatchSize}");
            Mark(plot, points, test.Steepest, color, MarkerShape.FilledCircle);
            Mark(plot, points, test.MinimumOverTen, color, MarkerShape.OpenSquare);
        }
        FigureStyle.UseDecadeTicks(plot.Axes.Bottom, allX.DefaultIfEmpty(0));
        plot.Axes.Margins(horizontal: 0.04, vertical: 0.08);
        if (allY.Count > 0)
        {
            // Up to the stopping threshold: the last steps of a diverging curve would flatten the rest.
            double low = allY.Min();
            plot.Axes.SetLimitsY(low * 0.95, Math.Min(allY.Max(), Kernel.LrCurve.StopFactor * low) * 1.05);
        }
        plot.ShowLegend(Edge.Right);
        FigureStyle.SavePlot(plot, path, 900, 540);
    }

    /// <summary>A suggestion drawn on its curve, at the nearest tested learning rate.</summary>
    private static void Mark(Plot plot, IReadOnlyList<Kernel.LrPoint> points, double? lr, Color color, MarkerShape shape)
    {
        if (lr is not { } value || value <= 0)
        {
            return;
        }
        var nearest = points.MinBy(p => Math.Abs(Math.Log10(p.Lr) - Math.Log10(value)))!;
        var marker = plot.Add.Marker(Math.Log10(value), nearest.Smoothed, shape, 11, color);
        marker.LineWidth = 2;
    }
}
