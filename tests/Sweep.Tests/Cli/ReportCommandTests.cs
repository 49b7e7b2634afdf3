using System.Diagnostics;
using System.Text.RegularExpressions;
using Sweep.Tests.Support;

namespace Sweep.Tests.Cli;

/// <summary>The whole report of a sweep with repeats and diverged cells, read as files a person opens.</summary>
public sealed class ReportCommandTests
{
    private static readonly TempDir Shared = new();
    private static string Results => Shared.File("results");

    [OneTimeSetUp]
    public void RunSweep()
    {
        Shared.Write("s.yaml", "name: rep\noptimizer: sgd\ntrain_size: 200\ntest_size: 100\nepochs: 2\nrepeats: 2\ngrid:\n  lr: [1000000, 0.05, 0.01]\n  batch_size: [20, 50]\n");
        CliResult result = SweepCli.Run(Shared.Path, "sweep", "s.yaml");
        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
    }

    [OneTimeTearDown]
    public void Clean() => Shared.Dispose();

    [Test]
    public void Every_figure_decodes_has_its_size_and_is_not_blank()
    {
        string[] expected =
        [
            "train_loss_by_epoch.png", "test_loss_by_epoch.png", "test_accuracy_by_epoch.png", "final_test_loss_vs_lr.png",
            "final_test_accuracy_vs_lr.png", "final_test_loss_vs_batch_size.png", "final_test_accuracy_vs_batch_size.png",
            "test_loss_heatmap.png", "test_accuracy_heatmap.png", "generalisation_gap_heatmap.png", "test_auc_by_epoch.png", "final_test_auc_vs_lr.png",
            "final_test_auc_vs_batch_size.png", "final_test_loss_vs_lr_per_batch.png", "final_test_auc_vs_lr_per_batch.png",
        ];
        Assert.That(Directory.GetFiles(Results, "*.png").Select(Path.GetFileName), Is.EquivalentTo(expected));
        foreach (string name in expected)
        {
            using var png = new PngImage(Path.Combine(Results, name));
            Assert.That(png.Width, Is.GreaterThanOrEqualTo(560), name);
            Assert.That(png.Height, Is.GreaterThanOrEqualTo(400), name);
            Assert.That(png.InkFraction(), Is.InRange(0.01, 0.9), name);
            Assert.That(png.InkFraction(0, 0, png.Width, 40), Is.GreaterThan(0.01), $"{name} has a title");
        }
    }

    [Test]
    public void The_html_page_references_only_files_that_exist_and_has_one_row_per_run()
    {
        string html = File.ReadAllText(Path.Combine(Results, "index.html"));

        var sources = Regex.Matches(html, "(?:src|href)=\"([^\"]+)\"").Select(m => m.Groups[1].Value).ToList();
        Assert.That(sources, Has.Count.EqualTo(15));
        Assert.That(sources.All(s => File.Exists(Path.Combine(Results, s))), Is.True, string.Join(", ", sources));
        Assert.That(html, Does.Not.Contain("http://").And.Not.Contain("https://"), "no network");
        Assert.That(Regex.Matches(html, "<tr class=").Count, Is.EqualTo(12));
        Assert.That(Regex.Matches(html, "<tr class=\"diverged\">").Count, Is.EqualTo(4));
        Assert.That(html, Does.Contain("Batch size: the final test loss against log₂ batch size"));
    }

    [Test]
    public void The_markdown_summary_has_the_table_and_the_verdict()
    {
        string md = File.ReadAllText(Path.Combine(Results, "summary.md"));

        Assert.That(md.Split('\n').Count(l => Regex.IsMatch(l, "^\\| [0-9a-f]{12} \\|")), Is.EqualTo(12));
        Assert.That(md, Does.Contain("12 runs in the database (8 completed, 4 diverged)."));
        Assert.That(md, Does.Contain("Best cell: lr="));
    }

    [Test]
    public void The_page_renders_in_headless_chromium()
    {
        string chromium = new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists) ?? "";
        Requirement.Installed(chromium != "", "Debian's chromium is not installed (apt-get install chromium)");
        string shot = Path.Combine(TestContext.CurrentContext.WorkDirectory, "report-screenshot.png");
        string profile = Shared.File("chromium-profile");
        var start = new ProcessStartInfo(chromium)
        {
            ArgumentList =
            {
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", $"--user-data-dir={profile}", "--window-size=1400,2000",
                $"--screenshot={shot}", "file://" + Path.Combine(Results, "index.html"),
            },
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        using var process = Process.Start(start)!;
        Assert.That(process.WaitForExit(TimeSpan.FromSeconds(60)), Is.True, "chromium finished");
        using var png = new PngImage(shot);
        Assert.That(png.Width, Is.EqualTo(1400));
        Assert.That(png.InkFraction(), Is.GreaterThan(0.02), "the page shows text and figures");
        TestContext.AddTestAttachment(shot, "index.html in headless Chromium");
    }

    [Test]
    public void Compare_matches_configurations_and_judges_them_against_the_seed_spread()
    {
        using var other = new TempDir();
        other.Write("s.yaml", File.ReadAllText(Shared.File("s.yaml")) + "threads: 1\n");
        Assert.That(SweepCli.Run(other.Path, "sweep", "s.yaml", "--no-report").ExitCode, Is.EqualTo(0));

        CliResult result = SweepCli.Run(other.Path, "compare", Path.Combine(Results, "results.db"), "results/results.db", "--out", "cmp");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(result.Stdout, Does.Contain("configurations were trained on both"));
        // A: the whole machine's threads (0 = one per core); B: threads: 1.
        Assert.That(result.Stdout, Does.Match($"threads +{Environment.ProcessorCount} +1"));
        Assert.That(result.Stdout, Does.Contain("twice the seed-to-seed spread"));
        using var png = new PngImage(other.File("cmp/compare_test_loss.png"));
        Assert.That(png.InkFraction(), Is.GreaterThan(0.01));
    }

    [Test]
    public void Report_on_an_empty_database_says_so()
    {
        using var dir = new TempDir();
        using (Sweep.Storage.ResultsDatabase.OpenForWriting(dir.File("empty.db")))
        {
        }

        CliResult result = SweepCli.Run(dir.Path, "report", "--db", "empty.db");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(result.Stdout, Does.Contain("holds no sweeps yet, so there is nothing to draw"));
    }

    [Test]
    public void A_report_removes_temporary_figures_a_killed_writer_left_and_keeps_a_live_writers()
    {
        using var dir = new TempDir();
        string db = dir.File("results.db");
        StoredSweep.Write(dir, db, epochs: 2);
        int gone;
        using (Process exited = Process.Start("true")!)
        {
            exited.WaitForExit();
            gone = exited.Id;
        }
        using Process alive = Process.Start("sleep", "60")!;
        try
        {
            string stale = dir.Write($"report/final_test_loss_vs_lr.png.{gone}.tmp", "half a figure");
            string live = dir.Write($"report/test_loss_heatmap.png.{alive.Id}.tmp", "being written");
            string mine = dir.Write("report/notes.tmp", "not one of ours");

            CliResult report = SweepCli.Run(dir.Path, "report", "--db", db, "--out", "report");

            Assert.That(report.ExitCode, Is.EqualTo(0), report.ToString());
            Assert.That(File.Exists(stale), Is.False, "its writer is gone");
            Assert.That(File.Exists(live), Is.True, "its writer may still rename it into place");
            Assert.That(File.Exists(mine), Is.True, "a file not named as ours is not ours");
        }
        finally
        {
            alive.Kill();
        }
    }
}
