namespace Sweep.Reporting.Figures;

/// <summary>
/// Makes the bundled DejaVu Sans ScottPlot's default font. Without it ScottPlot draws no text at
/// all on a machine that has no fonts installed, and figures would differ between machines.
/// </summary>
internal static class FigureFonts
{
    public const string Family = "DejaVu Sans";
    private static readonly Lock Gate = new();
    private static bool _installed;

    public static void Install()
    {
        lock (Gate)
        {
            if (_installed)
            {
                return;
            }
            string dir = Path.Combine(AppContext.BaseDirectory, "fonts");
            string regular = Path.Combine(dir, "DejaVuSans.ttf");
            string bold = Path.Combine(dir, "DejaVuSans-Bold.ttf");
            if (!File.Exists(regular) || !File.Exists(bold))
            {
                throw new InvalidOperationException($"The bundled fonts are missing from {dir}; rebuild the project.");
            }
            ScottPlot.Fonts.AddFontFile(Family, regular, bold: false, italic: false);
            ScottPlot.Fonts.AddFontFile(Family, bold, bold: true, italic: false);
            ScottPlot.Fonts.Default = Family;
            ScottPlot.Fonts.Sans = Family;
            _installed = true;
        }
    }
}
