namespace Sweep.Reporting.Figures;

/// <summary>
/// Draws every figure of the report into a folder. The per-cell figures are drawn once per facet
/// (combination of other varying settings), with the facet in the file name and the title; the
/// lr ÷ batch figures put every run of the sweep on one plot, a series per optimizer.
/// </summary>
internal static class ReportWriter
{
    public static IReadOnlyList<IFigure> Figures { get; } =
    [
        new EpochCurveFigure("train_loss_by_epoch.png", "training loss", e => e.TrainLoss ?? double.NaN),
        new EpochCurveFigure("test_loss_by_epoch.png", "test loss", e => e.TestLoss ?? double.NaN),
        new EpochCurveFigure("test_accuracy_by_epoch.png", "test accuracy", e => e.TestAccuracy),
        new EpochCurveFigure("test_auc_by_epoch.png", "test AUC", e => e.TestAuc ?? double.NaN),
        new FinalMetricFigure("final_test_loss_vs_lr.png", "test loss", FinalMetricAxis.LearningRate, c => c.TestLoss),
        new FinalMetricFigure("final_test_accuracy_vs_lr.png", "test accuracy", FinalMetricAxis.LearningRate, c => c.TestAccuracy),
        new FinalMetricFigure("final_test_loss_vs_batch_size.png", "test loss", FinalMetricAxis.BatchSize, c => c.TestLoss),
        new FinalMetricFigure("final_test_accuracy_vs_batch_size.png", "test accuracy", FinalMetricAxis.BatchSize, c => c.TestAccuracy),
        new FinalMetricFigure("final_test_auc_vs_lr.png", "test AUC", FinalMetricAxis.LearningRate, c => c.TestAuc),
        new FinalMetricFigure("final_test_auc_vs_batch_size.png", "test AUC", FinalMetricAxis.BatchSize, c => c.TestAuc),
        new GridHeatmapFigure("test_loss_heatmap.png", "Final test loss over the lr × batch-size grid", "0.000", higherIsBetter: false, c => c.TestLoss),
        new GridHeatmapFigure("test_accuracy_heatmap.png", "Final test accuracy over the lr × batch-size grid", "0.000", higherIsBetter: true, c => c.TestAccuracy),
        new GridHeatmapFigure("generalisation_gap_heatmap.png", "Generalisation gap (test loss − training loss, last epoch)", "0.000", higherIsBetter: false, c => c.GeneralisationGap),
        new StepsToTargetFigure(),
        new GridHeatmapFigure("validation_loss_heatmap.png", "Validation loss at each run's best epoch (what chooses)", "0.000", higherIsBetter: false, c => c.ValidationLoss, validationOnly: true),
        new GridHeatmapFigure("best_epoch_test_loss_heatmap.png", "Test loss at the epoch validation chose (reported, never chosen on)", "0.000", higherIsBetter: false, c => c.BestEpochTestLoss, validationOnly: true),
    ];

    /// <summary>Figures over the whole sweep, whatever its facets.</summary>
    public static IReadOnlyList<IFigure> SweepFigures { get; } =
    [
        new LrPerBatchFigure("final_test_loss_vs_lr_per_batch.png", "test loss", r => r.FinalTestLoss),
        new LrPerBatchFigure("final_test_auc_vs_lr_per_batch.png", "test AUC", r => r.FinalTestAuc),
    ];

    /// <summary>Writes the figures that have data; returns their paths.</summary>
    public static IReadOnlyList<string> Write(ReportData data, string outDir)
    {
        Directory.CreateDirectory(outDir);
        var written = new List<string>();
        foreach (ReportData part in data.ByFacet)
        {
            foreach (IFigure figure in Figures)
            {
                Draw(figure, part, FileNameFor(figure.FileName, part.Facet), outDir, written);
            }
        }
        foreach (IFigure figure in SweepFigures)
        {
            Draw(figure, data, figure.FileName, outDir, written);
        }
        return written;
    }

    /// <summary>
    /// Removes figures of ours that an earlier report left in <paramref name="outDir"/> and this one
    /// did not draw — a facet that no longer exists, the partial grouping of a live report drawn
    /// before every setting had a finished run, a figure that has no data now — so the folder shows
    /// one report. Only our own names are touched: <paramref name="alsoOurs"/> and every figure's
    /// name, plain or with a facet.
    /// </summary>
    public static void RemoveStale(string outDir, IReadOnlyCollection<string> drawn, IEnumerable<string> alsoOurs)
    {
        var plain = Figures.Concat(SweepFigures).Select(f => f.FileName).Concat(alsoOurs).ToHashSet(StringComparer.Ordinal);
        var facetPrefixes = Figures.Select(f => Path.GetFileNameWithoutExtension(f.FileName) + "__").ToList();
        foreach (string path in Directory.EnumerateFiles(outDir, "*.png"))
        {
            string name = Path.GetFileName(path);
            bool ours = plain.Contains(name) || facetPrefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal));
            if (ours && !drawn.Contains(name))
            {
                File.Delete(path);
            }
        }
    }

    /// <summary>"final_test_loss_vs_lr.png" for a sweep without facets, "final_test_loss_vs_lr__optimizer-sgd.png" for one facet of it.</summary>
    public static string FileNameFor(string fileName, Facet facet) =>
        facet.IsNone ? fileName : $"{Path.GetFileNameWithoutExtension(fileName)}__{facet.Slug}{Path.GetExtension(fileName)}";

    private static void Draw(IFigure figure, ReportData data, string fileName, string outDir, List<string> written)
    {
        string path = Path.Combine(outDir, fileName);
        if (figure.Save(data, path))
        {
            written.Add(path);
        }
    }
}
