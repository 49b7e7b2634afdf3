using System.Text.RegularExpressions;
using Sweep.Reporting;
using Sweep.Reporting.Figures;
using Sweep.Tests.Support;

namespace Sweep.Tests.Reporting;

/// <summary>What a reader of index.html and summary.md sees: tables that read down a column, captions, one colour meaning.</summary>
public sealed class ReportReadabilityTests
{
    [Test]
    public void The_runs_table_shows_only_filled_columns_with_fixed_decimals_and_accuracy_in_percent()
    {
        using var dir = new TempDir();
        string db = dir.File("r.db");
        StoredSweep.Write(dir, db, epochs: 2);

        CliResult report = SweepCli.Run(dir.Path, "report", "--db", db, "--out", dir.File("report"));

        Assert.That(report.ExitCode, Is.EqualTo(0), report.ToString());
        string md = File.ReadAllText(dir.File("report/summary.md"));
        string header = md.Split('\n').First(l => l.StartsWith("| run_id", StringComparison.Ordinal));
        Assert.That(header, Does.Contain("final_test_accuracy (%)"));
        foreach (string empty in new[] { "diverged_at_epoch", "stopped_at_epoch", "error", "fused_pack" })
        {
            Assert.That(header, Does.Not.Contain($"| {empty} |"), $"{empty} is empty for every run of an ordinary sweep");
        }
        string row = md.Split('\n').First(l => l.StartsWith("| ", StringComparison.Ordinal) && !l.StartsWith("| run_id", StringComparison.Ordinal) && l.Contains("completed", StringComparison.Ordinal));
        // StoredSweep's run: loss 1 and accuracy 0.5 in every epoch.
        Assert.That(row, Does.Contain("| 1.000 | 1.000 | 50.0 |"));
        string html = File.ReadAllText(dir.File("report/index.html"));
        Assert.That(html, Does.Contain("white-space: nowrap"), "1e-4 never wraps to 1e- / 4");
    }

    [Test]
    public void Every_figure_has_a_caption_that_is_also_its_alt_text()
    {
        using var dir = new TempDir();
        string db = dir.File("r.db");
        StoredSweep.Write(dir, db, epochs: 2);

        Assert.That(SweepCli.Run(dir.Path, "report", "--db", db, "--out", dir.File("report")).ExitCode, Is.EqualTo(0));

        string html = File.ReadAllText(dir.File("report/index.html"));
        var figures = Regex.Matches(html, "<figure><img src=\"([^\"]+)\" alt=\"([^\"]+)\"><figcaption>([^<]+)</figcaption></figure>");
        Assert.That(figures, Is.Not.Empty);
        Assert.That(figures.Count, Is.EqualTo(Regex.Matches(html, "<img ").Count), "every image is in a captioned figure");
        foreach (Match figure in figures)
        {
            Assert.That(figure.Groups[2].Value, Is.EqualTo(figure.Groups[3].Value));
            Assert.That(figure.Groups[2].Value, Is.Not.EqualTo(figure.Groups[1].Value), $"{figure.Groups[1].Value} has a real caption, not its file name");
        }
        Assert.That(html, Does.Contain("test_loss_heatmap.png"), "the loss the verdict ranks by has a heatmap");
    }

    [Test]
    public void Every_figure_of_ours_has_a_caption()
    {
        var names = ReportWriter.Figures.Concat(ReportWriter.SweepFigures).Select(f => f.FileName).Append(LrFindFigure.FileName).Append(ReferenceFigure.FileName);
        Assert.That(names.Where(n => FigureCaptions.For(n) == n), Is.Empty);
    }

    [Test]
    public void Learning_rates_and_batch_sizes_never_share_a_colour()
    {
        for (int count = 1; count <= 12; count++)
        {
            var lrs = Enumerable.Range(0, count).Select(i => FigureStyle.LrColor(i, count).ToHex()).ToHashSet();
            var batches = Enumerable.Range(0, count).Select(i => FigureStyle.BatchColor(i, count).ToHex()).ToHashSet();
            Assert.That(lrs.Intersect(batches), Is.Empty, $"{count} series");
            Assert.That(lrs, Has.Count.EqualTo(count));
        }
    }
}
