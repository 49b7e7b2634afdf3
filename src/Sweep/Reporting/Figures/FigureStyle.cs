using System.Globalization;
using ScottPlot;
using SkiaSharp;
using Sweep.Kernel;
using Sweep.Spec;

namespace Sweep.Reporting.Figures;

/// <summary>Shared look of every figure, and helpers that ScottPlot does not have (log axes, panels).</summary>
internal static class FigureStyle
{
    public const int PanelWidth = 640;
    public const int PanelHeight = 420;

    private static readonly Color[] Palette =
    [
        Color.FromHex("#1f77b4"), Color.FromHex("#d62728"), Color.FromHex("#2ca02c"), Color.FromHex("#ff7f0e"),
        Color.FromHex("#9467bd"), Color.FromHex("#8c564b"), Color.FromHex("#e377c2"), Color.FromHex("#17becf"),
        Color.FromHex("#7f7f7f"), Color.FromHex("#bcbd22"),
    ];

    public static Color ColorAt(int index) => Palette[index % Palette.Length];

    /// <summary>Up to this many series get a palette colour and a legend entry each.</summary>
    public const int MaxLegendEntries = 10;

    /// <summary>
    /// The colour of learning rate <paramref name="index"/> of <paramref name="count"/> (smallest
    /// first) in every figure: blues to greens to yellow (viridis), so a colour means one thing
    /// across the report and neighbouring rates get neighbouring colours.
    /// </summary>
    public static Color LrColor(int index, int count) => Ordered(new ScottPlot.Colormaps.Viridis(), index, count);

    /// <summary>The colour of batch size <paramref name="index"/> of <paramref name="count"/>: purples to reds to orange (plasma), never an lr's.</summary>
    public static Color BatchColor(int index, int count) => Ordered(new ScottPlot.Colormaps.Plasma(), index, count);

    // The light ends of both maps are hard to see on white: use 0 … 0.85 of the range.
    private static Color Ordered(IColormap map, int index, int count) => map.GetColor(count <= 1 ? 0 : 0.85 * index / (count - 1.0));

    /// <summary>The legend text of a series, or "" (no entry) for most of many: about 8 evenly spaced entries, first and last included.</summary>
    public static string LegendFor(int index, int count, string text)
    {
        int every = (int)Math.Ceiling(count / 8.0);
        return count <= MaxLegendEntries || index % every == 0 || index == count - 1 ? text : "";
    }

    public static Plot NewPlot(string title, string xLabel, string yLabel)
    {
        FigureFonts.Install();
        var plot = new Plot();
        plot.Title(title, size: 15);
        plot.XLabel(xLabel, size: 13);
        plot.YLabel(yLabel, size: 13);
        plot.Legend.FontSize = 11;
        plot.Legend.Alignment = Alignment.UpperRight;
        return plot;
    }

    /// <summary>Log-scale x axis: data is plotted at log10(x), ticks are labelled "1e-3".</summary>
    public static void UseLog10Ticks(Plot plot, IEnumerable<double> values, Func<double, string> label)
    {
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        foreach (double v in values.Distinct().Order())
        {
            ticks.AddMajor(Math.Log10(v), label(v));
        }
        plot.Axes.Bottom.TickGenerator = ticks;
    }

    /// <summary>
    /// Ticks at whole decades (1e-5, 1e-4, …) for an axis whose data is plotted at log10(x):
    /// readable however many values there are.
    /// </summary>
    public static void UseDecadeTicks(IAxis axis, IEnumerable<double> log10Values)
    {
        var values = log10Values.Where(double.IsFinite).ToList();
        if (values.Count == 0)
        {
            return;
        }
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        int low = (int)Math.Floor(values.Min()), high = (int)Math.Ceiling(values.Max());
        if (low == high)
        {
            high++;
        }
        for (int d = low; d <= high; d++)
        {
            ticks.AddMajor(d, $"1e{d}");
        }
        axis.TickGenerator = ticks;
    }

    public static string Lr(double lr) => RunConfig.FormatLr(lr);

    public static string Number(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);

    /// <summary>Renders plots side by side into one PNG.</summary>
    public static void SavePanels(IReadOnlyList<Plot> panels, string path)
    {
        int width = PanelWidth * panels.Count;
        using var surface = SKSurface.Create(new SKImageInfo(width, PanelHeight));
        surface.Canvas.Clear(SKColors.White);
        for (int i = 0; i < panels.Count; i++)
        {
            // Each panel is rendered on its own: Plot.Render into a sub-rectangle of a shared
            // canvas clears the rest of the canvas in ScottPlot 5.1.
            using SKBitmap panel = SKBitmap.Decode(panels[i].GetImageBytes(PanelWidth, PanelHeight, ImageFormat.Png));
            surface.Canvas.DrawBitmap(panel, i * PanelWidth, 0);
        }
        using SKImage image = surface.Snapshot();
        using SKData png = image.Encode(SKEncodedImageFormat.Png, 100);
        byte[] bytes = png.ToArray();
        AtomicFile.Write(path, stream => stream.Write(bytes));
    }

    public static void SavePlot(Plot plot, string path, int width = 760, int height = 520)
    {
        // A reader (or the live page) never sees half a PNG.
        byte[] png = plot.GetImageBytes(width, height, ImageFormat.Png);
        AtomicFile.Write(path, stream => stream.Write(png));
    }
}
