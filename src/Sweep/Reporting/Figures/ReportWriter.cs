namespace Sweep.Reporting.Figures;

/// <summary>Draws every figure of the report into a folder.</summary>
internal static class ReportWriter
{
    public static IReadOnlyList<IFigure> Figures { get; } =
    [
        new EpochCurveFigure("train_loss_by_epoch.png", "training loss", e => e.TrainLoss ?? double.NaN),
        new EpochCurveFigure("test_loss_by_epoch.png", "test loss", e => e.TestLoss ?? double.NaN),
        new EpochCurveFigure("test_accuracy_by_epoch.png", "test accuracy", e => e.TestAccuracy),
        new FinalMetricFigure("final_test_loss_vs_lr.png", "test loss", FinalMetricAxis.LearningRate, c => c.TestLoss),
        new FinalMetricFigure("final_test_accuracy_vs_lr.png", "test accuracy", FinalMetricAxis.LearningRate, c => c.TestAccuracy),
        new FinalMetricFigure("final_test_loss_vs_batch_size.png", "test loss", FinalMetricAxis.BatchSize, c => c.TestLoss),
        new FinalMetricFigure("final_test_accuracy_vs_batch_size.png", "test accuracy", FinalMetricAxis.BatchSize, c => c.TestAccuracy),
        new GridHeatmapFigure("test_accuracy_heatmap.png", "Final test accuracy over the lr × batch-size grid", "0.000", higherIsBetter: true, c => c.TestAccuracy),
        new GridHeatmapFigure("generalisation_gap_heatmap.png", "Generalisation gap (test loss − training loss, last epoch)", "0.000", higherIsBetter: false, c => c.GeneralisationGap),
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
