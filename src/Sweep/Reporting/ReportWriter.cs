namespace Sweep.Reporting;

/// <summary>Draws every figure of the report into a folder.</summary>
internal static class ReportWriter
{
    public static IReadOnlyList<IFigure> Figures { get; } =
    [
        new EpochCurveFigure("train_loss_by_epoch.png", "training loss", e => e.TrainLoss ?? double.NaN),
        new EpochCurveFigure("test_loss_by_epoch.png", "test loss", e => e.TestLoss ?? double.NaN),
        new EpochCurveFigure("test_accuracy_by_epoch.png", "test accuracy", e => e.TestAccuracy),
        new FinalMetricVsLrFigure("final_test_loss_vs_lr.png", "test loss", r => r.FinalTestLoss),
        new FinalMetricVsLrFigure("final_test_accuracy_vs_lr.png", "test accuracy", r => r.FinalTestAccuracy),
    ];

    /// <summary>Writes the figures that have data; returns their paths.</summary>
    public static IReadOnlyList<string> Write(ReportData data, string outDir)
    {
        Directory.CreateDirectory(outDir);
        var written = new List<string>();
        foreach (IFigure figure in Figures)
        {
            string path = Path.Combine(outDir, figure.FileName);
            if (figure.Save(data, path))
            {
                written.Add(path);
            }
        }
        return written;
    }
}
