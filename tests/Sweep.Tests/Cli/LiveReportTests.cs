using System.Diagnostics;
using System.Text.RegularExpressions;
using Sweep.Tests.Support;

namespace Sweep.Tests.Cli;

/// <summary>The report stays current while a sweep runs, through the real CLI, read by headless Chromium where it is installed.</summary>
public sealed partial class LiveReportTests
{
    [Test]
    public void The_page_shows_runs_as_they_finish_and_stops_reloading_at_the_end()
    {
        using var dir = new TempDir();
        dir.Write("s.yaml", "name: live\ntrain_size: 1200\ntest_size: 200\nepochs: 2\nthreads: 1\ngrid:\n  lr: [0.01, 0.003, 0.001, 0.0003, 0.0001]\n");
        using Process sweep = SweepCli.Start(dir.Path, "sweep", "s.yaml", "--live-every", "1");
        string page = dir.File("results/index.html");
        string? midway = null;
        var clock = Stopwatch.StartNew();
        while (!sweep.HasExited && clock.Elapsed < TimeSpan.FromMinutes(3))
        {
            // The first live pages may come before any run has finished (an epoch ended); wait for one that lists a finished run.
            if (File.Exists(page) && File.ReadAllText(page) is { } html && html.Contains("id=\"live\"", StringComparison.Ordinal) && CompletedRow().IsMatch(html))
            {
                midway = html;
                dir.Write("midway.html", html);
                break;
            }
            Thread.Sleep(100);
        }
        string output = sweep.StandardOutput.ReadToEnd();
        sweep.WaitForExit();

        Assert.That(sweep.ExitCode, Is.EqualTo(0), output);
        Assert.That(midway, Is.Not.Null, "a live page appeared while the sweep ran");
        int finishedMidway = CompletedRow().Matches(midway!).Count;
        Assert.That(finishedMidway, Is.InRange(1, 4), "midway the page lists the runs finished so far, not all five");
        Assert.That(midway, Does.Contain("<meta http-equiv=\"refresh\""));
        string final = File.ReadAllText(page);
        Assert.That(CompletedRow().Matches(final).Count, Is.EqualTo(5));
        Assert.That(final, Does.Not.Contain("http-equiv=\"refresh\"").And.Not.Contain("id=\"live\""));
        Assert.That(Directory.GetFiles(dir.File("results"), "*.tmp"), Is.Empty, "no temporary file left behind");

        string chromium = new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists) ?? "";
        Requirement.Installed(chromium != "", "the page text was checked; Debian's chromium is not installed to render it (apt-get install chromium)");
        Assert.That(CompletedRow().Matches(Dom(chromium, dir.File("midway.html"), dir.File("profile"))).Count, Is.EqualTo(finishedMidway));
        Assert.That(CompletedRow().Matches(Dom(chromium, page, dir.File("profile"))).Count, Is.EqualTo(5));
    }

    /// <summary>The page as Chromium renders it (after its scripts ran).</summary>
    private static string Dom(string chromium, string file, string profile)
    {
        var start = new ProcessStartInfo(chromium)
        {
            ArgumentList =
            {
                "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", $"--user-data-dir={profile}", "--dump-dom", "file://" + file,
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        string dom = process.StandardOutput.ReadToEnd();
        Assert.That(process.WaitForExit(TimeSpan.FromSeconds(60)), Is.True, "chromium finished");
        return dom;
    }

    [GeneratedRegex("<tr class=\"completed\">")]
    private static partial Regex CompletedRow();
}
