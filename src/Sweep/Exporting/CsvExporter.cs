using System.Globalization;
using System.Text;
using Sweep.Kernel;
using Sweep.Spec;
using Sweep.Storage;

namespace Sweep.Exporting;

/// <summary>
/// <c>runs.csv</c> (one row per run, every setting a column) and <c>epochs.csv</c> (one row per
/// epoch) for spreadsheets and pandas: a header row, RFC 4180 quoting, invariant culture, numbers
/// in round-trip form, empty cells for missing values. Each file is written atomically.
/// </summary>
internal static class CsvExporter
{
    private static readonly string[] RunOutcomes =
        ["status", "final_train_loss", "final_test_loss", "final_test_accuracy", "final_test_auc", "diverged_at_epoch", "error", "fused_pack", "started_at", "finished_at", "host", "used_device"];

    private static readonly string[] EpochColumns =
        ["run_id", "epoch", "train_loss", "last_batch_loss", "test_loss", "test_accuracy", "test_auc", "learning_rate", "seconds", "images_per_second",
         "val_loss", "val_accuracy", "train_eval_loss", "train_eval_accuracy"];

    public static (int Runs, int Epochs) Export(ExportReads repository, string sweepName, string outDir)
    {
        var runs = repository.RunRecords(sweepName);
        var epochs = repository.Epochs(runs.Select(r => r.RunId));
        string[] settings = SettingCatalog.All.Select(s => s.Name).ToArray();

        var text = new StringBuilder();
        Line(text, ["run_id", .. settings, .. RunOutcomes]);
        foreach (RunRecord run in runs)
        {
            var values = RunConfig.FromJson(run.ConfigJson)?.ToValues().ToDictionary(p => p.Key, p => p.Value) ?? [];
            Line(text,
            [
                run.RunId, .. settings.Select(s => Cell(values.GetValueOrDefault(s))),
                run.Status, Cell(run.FinalTrainLoss), Cell(run.FinalTestLoss), Cell(run.FinalTestAccuracy), Cell(run.FinalTestAuc),
                Cell(run.DivergedAtEpoch), run.Error ?? "", run.FusedPack ?? "", run.StartedAt, run.FinishedAt ?? "", run.Host ?? "", run.UsedDevice ?? "",
            ]);
        }
        Write(Path.Combine(outDir, "runs.csv"), text.ToString());

        text.Clear();
        Line(text, EpochColumns);
        foreach (EpochRow e in epochs)
        {
            Line(text,
            [
                e.RunId, Cell(e.Epoch), Cell(e.TrainLoss), Cell(e.LastBatchLoss), Cell(e.TestLoss), Cell(e.TestAccuracy), Cell(e.TestAuc),
                Cell(e.LearningRate), Cell(e.Seconds), Cell(e.ImagesPerSecond),
                Cell(e.ValLoss), Cell(e.ValAccuracy), Cell(e.TrainEvalLoss), Cell(e.TrainEvalAccuracy),
            ]);
        }
        Write(Path.Combine(outDir, "epochs.csv"), text.ToString());
        return (runs.Count, epochs.Count);
    }

    private static void Write(string path, string text) => AtomicFile.Write(path, stream => stream.Write(Encoding.UTF8.GetBytes(text)));

    private static void Line(StringBuilder text, IEnumerable<string> cells) =>
        text.Append(string.Join(",", cells.Select(Quote))).Append("\r\n");

    /// <summary>RFC 4180: a cell with a comma, quote or line break is quoted, quotes doubled.</summary>
    private static string Quote(string cell) =>
        cell.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + cell.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : cell;

    private static string Cell(object? value) => value switch
    {
        null => "",
        double d when double.IsNaN(d) => "",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
