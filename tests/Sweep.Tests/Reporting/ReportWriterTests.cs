using Sweep.Kernel;
using Sweep.Reporting.Figures;
using Sweep.Reporting;
using Sweep.Storage;
using Sweep.Tests.Support;

namespace Sweep.Tests.Reporting;

public sealed class ReportWriterTests
{
    private static ReportData Sample()
    {
        var runs = new List<RunRow>();
        var epochs = new Dictionary<string, IReadOnlyList<EpochRow>>();
        foreach (long batch in new[] { 16L, 64L })
        {
            foreach (double lr in new[] { 0.01, 0.001 })
            {
                string id = $"{batch}-{lr}";
                runs.Add(new RunRow { RunId = id, Status = RunStatus.Completed, Dataset = "fashion-mnist-mini", Model = "small-cnn", Optimizer = "adam", Lr = lr, BatchSize = batch, Epochs = 3, FinalTestLoss = lr * batch, FinalTestAccuracy = 0.8, FinalTestAuc = 0.95 - lr * batch / 100 });
                epochs[id] = Enumerable.Range(1, 3).Select(e => new EpochRow { RunId = id, Epoch = e, TrainLoss = 2.0 / e + lr, TestLoss = 2.2 / e, TestAccuracy = 0.3 * e, TestAuc = 0.6 + 0.1 * e }).ToList();
            }
        }
        return new ReportData("s", runs, epochs);
    }

    [Test]
    public void Writes_every_figure_as_a_PNG_with_lines_and_text()
    {
        using var dir = new TempDir();

        var written = ReportWriter.Write(Sample(), dir.Path);

        // These need runs with a validation set or a target, which the sample has not: they are left out, not drawn empty.
        string[] needValidationOrTarget = ["validation_loss_heatmap.png", "best_epoch_test_loss_heatmap.png", "steps_to_target_vs_batch_size.png"];
        Assert.That(written.Select(Path.GetFileName),
            Is.EquivalentTo(ReportWriter.Figures.Concat(ReportWriter.SweepFigures).Select(f => f.FileName).Except(needValidationOrTarget)));
        foreach (string path in written)
        {
            using var png = new PngImage(path);
            Assert.That(png.Width, Is.GreaterThanOrEqualTo(500), path);
            Assert.That(png.Height, Is.GreaterThanOrEqualTo(400), path);
            Assert.That(png.InkFraction(), Is.InRange(0.01, 0.9), $"{path} looks blank or flooded");
            Assert.That(png.DistinctColours(), Is.GreaterThan(20), $"{path} has too few colours for several lines");
            // The title band must hold text: it is blank when no font could be found.
            Assert.That(png.InkFraction(0, 0, png.Width, 40), Is.GreaterThan(0.01), $"{path} has no title text");
        }
    }

    [Test]
    public void Panels_are_side_by_side_one_per_batch_size()
    {
        using var dir = new TempDir();
        ReportWriter.Write(Sample(), dir.Path);

        using var png = new PngImage(dir.File("train_loss_by_epoch.png"));

        Assert.That(png.Width, Is.EqualTo(2 * FigureStyle.PanelWidth));
        Assert.That(png.InkFraction(0, 0, FigureStyle.PanelWidth, png.Height), Is.GreaterThan(0.01), "left panel drawn");
        Assert.That(png.InkFraction(FigureStyle.PanelWidth, 0, FigureStyle.PanelWidth, png.Height), Is.GreaterThan(0.01), "right panel drawn");
    }

    [Test]
    public void Nothing_is_drawn_without_data()
    {
        using var dir = new TempDir();

        var written = ReportWriter.Write(new ReportData("s", [], new Dictionary<string, IReadOnlyList<EpochRow>>()), dir.Path);

        Assert.That(written, Is.Empty);
    }

    [Test]
    public void A_report_removes_the_figures_an_earlier_report_left_that_it_does_not_draw_and_nothing_else()
    {
        using var dir = new TempDir();
        string db = dir.File("results.db");
        StoredSweep.Write(dir, db, epochs: 2); // no AUC recorded: the AUC figures are not drawn
        string[] stale = ["final_test_loss_vs_lr__optimizer-adam.png", "test_auc_by_epoch.png", ReferenceFigure.FileName];
        string[] notOurs = ["my_plot.png", "lr_find.png", "compare_test_loss.png", "notes.txt"];
        Directory.CreateDirectory(dir.File("out"));
        foreach (string name in stale.Concat(notOurs))
        {
            File.WriteAllText(dir.File($"out/{name}"), "earlier");
        }

        ReportResult report;
        using (var connectionStore = ResultsStore.OpenForReading(db))
        {
            report = ReportBuilder.Build(new ReportReads(connectionStore), "s", dir.File("out"));
        }

        var left = Directory.GetFiles(dir.File("out")).Select(Path.GetFileName).ToList();
        Assert.That(report.Figures, Is.Not.Empty.And.Not.Contains("test_auc_by_epoch.png"));
        Assert.That(left, Is.SupersetOf(report.Figures).And.SupersetOf(notOurs));
        Assert.That(left.Intersect(stale), Is.Empty);
        Assert.That(left.Where(n => n!.EndsWith(".png", StringComparison.Ordinal)), Is.EquivalentTo(report.Figures.Concat(notOurs.Where(n => n.EndsWith(".png", StringComparison.Ordinal)))));
    }
}
