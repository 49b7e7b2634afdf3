using System.Diagnostics;
using System.Text.RegularExpressions;
using Sweep.Tests.Support;

namespace Sweep.Tests.Cli;

/// <summary>Several `sweep` processes on one database, through the real CLI.</summary>
public sealed partial class SharedDatabaseTests
{
    [Test]
    public void Two_workers_train_each_run_exactly_once_while_a_report_reads()
    {
        using var dir = new TempDir();
        dir.Write("s.yaml", "name: shared\ntrain_size: 900\ntest_size: 100\nepochs: 3\nthreads: 1\ngrid:\n  lr: [0.003, 0.001, 0.0003]\n  batch_size: [16, 32]\n");
        string db = dir.File("results/results.db");

        using Process a = SweepCli.Start(dir.Path, "sweep", "s.yaml", "--no-report");
        using Process b = SweepCli.Start(dir.Path, "sweep", "s.yaml", "--no-report");
        Task<string> outA = a.StandardOutput.ReadToEndAsync(), outB = b.StandardOutput.ReadToEndAsync();
        Task<string> errA = a.StandardError.ReadToEndAsync(), errB = b.StandardError.ReadToEndAsync();
        ResumeTests.WaitFor(() => ResultsFile.CountOrZero(db, "SELECT count(*) FROM epochs") >= 1, a, "an epoch");
        CliResult report = SweepCli.Run(dir.Path, "report", "--out", "while");
        Assert.That(a.WaitForExit(TimeSpan.FromMinutes(3)) && b.WaitForExit(TimeSpan.FromMinutes(3)), Is.True);

        Assert.That(report.ExitCode, Is.EqualTo(0), "a reader while two workers write: " + report);
        Assert.That((a.ExitCode, b.ExitCode), Is.EqualTo((0, 0)), $"{outA.Result}{errA.Result}\n{outB.Result}{errB.Result}");
        Assert.That(errA.Result + errB.Result, Does.Not.Contain("locked").And.Not.Contain("UNIQUE"));
        // Exactly once: every run is reported completed by exactly one worker, and each worker names
        // the other's runs as finished by another worker.
        var trainedByA = CompletedRuns().Matches(outA.Result).Select(m => m.Groups[1].Value).ToList();
        var trainedByB = CompletedRuns().Matches(outB.Result).Select(m => m.Groups[1].Value).ToList();
        Assert.That(trainedByA.Concat(trainedByB).ToList(), Is.Unique.And.Count.EqualTo(6), $"{outA.Result}\n{outB.Result}");
        Assert.That(trainedByA, Is.Not.Empty, "both workers trained");
        Assert.That(trainedByB, Is.Not.Empty, "both workers trained");
        Assert.That(outA.Result, Does.Contain($"{trainedByA.Count} completed").And.Contain($"{6 - trainedByA.Count} finished by other workers"));
        Assert.That(ResultsFile.Scalar<long>(db, "SELECT count(*) FROM runs WHERE status = 'completed' AND claim_token IS NULL"), Is.EqualTo(6));
        Assert.That(ResultsFile.Scalar<long>(db, "SELECT count(*) FROM epochs"), Is.EqualTo(18), "3 epochs per run, none twice");
        Assert.That(ResultsFile.Scalar<long>(db, "SELECT count(*) FROM runs WHERE resumed_from_epoch IS NOT NULL"), Is.EqualTo(0));
    }

    [Test]
    public void A_paused_worker_loses_its_run_after_the_lease_the_next_worker_resumes_it_and_the_first_stops_writing()
    {
        using var dir = new TempDir();
        dir.Write("s.yaml", "name: takeover\ntrain_size: 1500\ntest_size: 100\nepochs: 8\nthreads: 1\ngrid:\n  lr: [0.001]\n");
        string db = dir.File("results/results.db");
        using Process a = SweepCli.Start(dir.Path, "sweep", "s.yaml", "--no-report", "--lease", "6");
        Task<string> outA = a.StandardOutput.ReadToEndAsync();
        ResumeTests.WaitFor(() => ResultsFile.CountOrZero(db, "SELECT count(*) FROM epochs") >= 2, a, "2 epochs");
        StopOutsideAWrite(a.Id, db); // alive but silent, like a hung or cut-off machine
        try
        {
            var before = ResultsFile.Query<(long, long)>(db, "SELECT epoch, rowid FROM epochs ORDER BY epoch");
            CliResult plan = SweepCli.Run(dir.Path, "plan", "s.yaml");
            Assert.That(plan.Output(), Does.Match($@"running \(host \S+ pid {a.Id}, heartbeat \d+ s ago\)"), "plan shows who holds the run");

            var clock = Stopwatch.StartNew();
            CliResult b = SweepCli.Run(dir.Path, "sweep", "s.yaml", "--no-report", "--lease", "6");

            Assert.That(b.ExitCode, Is.EqualTo(0), b.ToString());
            Assert.That(b.Stdout, Does.Contain($"held by another worker (host").And.Contain($"pid {a.Id}"));
            Assert.That(b.Stdout, Does.Match(@"resuming from the checkpoint of epoch [1-7]"));
            Assert.That(clock.Elapsed, Is.GreaterThan(TimeSpan.FromSeconds(2)), "the claim was honoured until its heartbeat lapsed");
            var resumedFrom = ResultsFile.Scalar<long>(db, "SELECT resumed_from_epoch FROM runs");
            Assert.That(ResultsFile.Query<(long, long)>(db, $"SELECT epoch, rowid FROM epochs WHERE epoch <= {resumedFrom} ORDER BY epoch"),
                Is.EqualTo(before.Take((int)resumedFrom)), "the epochs before the checkpoint are kept, not recomputed");
        }
        finally
        {
            Signal("CONT", a.Id);
        }
        Assert.That(a.WaitForExit(TimeSpan.FromMinutes(2)), Is.True);
        Assert.That(a.ExitCode, Is.EqualTo(0), outA.Result);
        Assert.That(outA.Result, Does.Contain("another worker took over").And.Contain("1 finished by other workers"));
        Assert.That(ResultsFile.Query<long>(db, "SELECT epoch FROM epochs ORDER BY epoch"), Is.EqualTo(Enumerable.Range(1, 8).Select(e => (long)e)),
            "the woken worker wrote nothing: no epoch twice, none missing");
        Assert.That(ResultsFile.Scalar<string>(db, "SELECT status FROM runs"), Is.EqualTo("completed"));
    }

    /// <summary>
    /// Pauses a worker between its write transactions: one paused inside a transaction holds SQLite's write lock
    /// and blocks every other writer until it wakes (the lock test below shows what the next worker says then).
    /// </summary>
    private static void StopOutsideAWrite(int pid, string db)
    {
        for (int attempt = 0; ; attempt++)
        {
            Signal("STOP", pid);
            if (ResultsFile.WriteLockIsFree(db) || attempt == 50)
            {
                return;
            }
            Signal("CONT", pid);
            Thread.Sleep(20);
        }
    }

    [Test]
    public void A_run_whose_worker_was_killed_on_this_host_reads_as_interrupted_in_plan_and_exports_at_once()
    {
        using var dir = new TempDir();
        dir.Write("s.yaml", "name: dead\ntrain_size: 1500\ntest_size: 100\nepochs: 8\nthreads: 1\ngrid:\n  lr: [0.001]\n");
        string db = dir.File("results/results.db");
        using Process a = SweepCli.Start(dir.Path, "sweep", "s.yaml", "--no-report");
        ResumeTests.WaitFor(() => ResultsFile.CountOrZero(db, "SELECT count(*) FROM epochs") >= 1, a, "an epoch");
        a.Kill();
        a.WaitForExit();
        Assert.That(ResultsFile.Scalar<string>(db, "SELECT status FROM runs"), Is.EqualTo("running"), "kill -9 leaves the row as it was");

        CliResult plan = SweepCli.Run(dir.Path, "plan", "s.yaml");
        CliResult csv = SweepCli.Run(dir.Path, "export", "csv", "--out", "csv");

        Assert.That(plan.ExitCode, Is.EqualTo(0), plan.ToString());
        Assert.That(plan.Stdout, Does.Contain("interrupted").And.Not.Contain($"pid {a.Id}"), "its process is gone, so nobody holds it");
        Assert.That(csv.ExitCode, Is.EqualTo(0), csv.ToString());
        string runs = File.ReadAllText(dir.File("csv/runs.csv"));
        Assert.That(runs, Does.Contain(",interrupted,").And.Not.Contain(",running,"));
        CliResult resumed = SweepCli.Run(dir.Path, "sweep", "s.yaml", "--no-report");
        Assert.That(resumed.ExitCode, Is.EqualTo(0), resumed.ToString());
        Assert.That(resumed.Stdout, Does.Not.Contain("held by another worker"), "a dead same-host claim is taken at once, not after the lease");
    }

    private static void Signal(string signal, int pid)
    {
        using Process kill = Process.Start("kill", $"-{signal} {pid}")!;
        kill.WaitForExit();
    }

    [GeneratedRegex(@"^\[run \d+/\d+\] (.+): completed$", RegexOptions.Multiline)]
    private static partial Regex CompletedRuns();
}
