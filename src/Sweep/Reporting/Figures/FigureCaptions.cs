namespace Sweep.Reporting.Figures;

/// <summary>
/// What each figure shows, in a sentence: the page's caption and the image's alt text. Colours
/// mean the same everywhere: learning rates blue → yellow, batch sizes purple → orange, smallest first.
/// </summary>
internal static class FigureCaptions
{
    private static readonly Dictionary<string, string> ByName = new(StringComparer.Ordinal)
    {
        ["train_loss_by_epoch.png"] = "Mean training loss in each epoch, one line per learning rate (blue → yellow: small → large), a panel per batch size; bands: ± 1 sd over seeds.",
        ["test_loss_by_epoch.png"] = "Test loss after each epoch, one line per learning rate, a panel per batch size; a minimum before the last epoch means the run overfits.",
        ["test_accuracy_by_epoch.png"] = "Test accuracy after each epoch, one line per learning rate, a panel per batch size.",
        ["test_auc_by_epoch.png"] = "Test ROC AUC after each epoch, one line per learning rate, a panel per batch size.",
        ["final_test_loss_vs_lr.png"] = "Final test loss against learning rate (log scale), one line per batch size (purple → orange: small → large); dashed: lr-find's suggestion.",
        ["final_test_accuracy_vs_lr.png"] = "Final test accuracy against learning rate (log scale), one line per batch size.",
        ["final_test_auc_vs_lr.png"] = "Final test ROC AUC against learning rate (log scale), one line per batch size.",
        ["final_test_loss_vs_batch_size.png"] = "Final test loss against batch size, one line per learning rate: the paper's claim is about these slopes at a fixed learning rate.",
        ["final_test_accuracy_vs_batch_size.png"] = "Final test accuracy against batch size, one line per learning rate.",
        ["final_test_auc_vs_batch_size.png"] = "Final test ROC AUC against batch size, one line per learning rate.",
        ["test_loss_heatmap.png"] = "Final test loss in each cell of the learning rate × batch size grid (darker is lower, better); without a validation set the verdict ranks cells by this number.",
        ["test_accuracy_heatmap.png"] = "Final test accuracy in each cell of the learning rate × batch size grid (brighter is higher, better).",
        ["generalisation_gap_heatmap.png"] = "Test loss minus training loss in the last epoch, per cell (the training loss evaluated after the epoch where evaluate_train is set, else its running mean): large values mean overfitting.",
        [StepsToTargetFigure.Name] = "Steps to the target against batch size (log-log): each seed at its batch size's best learning rate, the perfect-scaling line (dashed) and the fitted S(B) = S_min (1 + B_crit / B).",
        ["validation_loss_heatmap.png"] = "Validation loss at each run's best epoch, per cell: what the verdict chooses the best cell and the best lr on; \"not converged\": some seed was still improving at its last epoch.",
        ["best_epoch_test_loss_heatmap.png"] = "Test loss at the epoch validation chose, per cell: the number reported for the cell and judged against batch size, never used to choose.",
        ["final_test_loss_vs_lr_per_batch.png"] = "Final test loss against learning rate ÷ batch size (log scale): colour is the batch size, each point is labelled with its learning rate; points that line up mean lr ÷ batch size is what matters.",
        ["final_test_auc_vs_lr_per_batch.png"] = "Final test ROC AUC against learning rate ÷ batch size (log scale): colour is the batch size, each point labelled with its learning rate.",
        [LrFindFigure.FileName] = "LR range test: training loss as the learning rate rises, one line per batch size; the marks are the suggested learning rates.",
        [ReferenceFigure.FileName] = "The change of the reference's metric and of ours from the smallest batch size, on one axis, per optimizer and learning rate (ours: mean ± sd over seeds).",
    };

    /// <summary>The caption of a figure file of ours (a facet's copy gets its facet named), or its file name.</summary>
    public static string For(string fileName)
    {
        int facet = fileName.IndexOf("__", StringComparison.Ordinal);
        string plain = facet < 0 ? fileName : fileName[..facet] + Path.GetExtension(fileName);
        string facetText = facet < 0 ? "" : $" ({Path.GetFileNameWithoutExtension(fileName)[(facet + 2)..].Replace('_', ' ')})";
        return ByName.TryGetValue(plain, out string? caption) ? caption + facetText : fileName;
    }
}
