using System.Diagnostics;
using Sweep.Tests.Support;

namespace Sweep.Tests.Cli;

/// <summary>Successive halving through the real CLI: decisions survive kill -9, and stopped runs are not lost.</summary>
public sealed class HalvingTests
{
    private const string Sweep = """
        name: halving
        train_size: 600
        test_size: 200
        epochs: 4
        threads: 1
        deterministic: true
        halving:
          min_epochs: 1
          eta: 2
          within: batch_size
        grid:
          lr: [0.03, 0.01, 0.003, 0.001]
          batch_size: [32, 64]
        """;

    private const string Decisions = "SELECT run_id || ' ' || rung_epoch || ' ' || rank || ' ' || kept || ' ' || quote(value) FROM halving_decisions ORDER BY run_id, rung_epoch";
    private const string Runs = "SELECT run_id || ' ' || status || ' ' || ifnull(pruned_at_epoch, '-') || ' ' || (SELECT count(*) FROM epochs e WHERE e.run_id = r.run_id) FROM runs r ORDER BY run_id";

    [Test]
    public void Kill_9_at_any_point_then_the_same_command_ends_with_the_decisions_of_an_uninterrupted_sweep()
    {
        using var whole = new TempDir();
        whole.Write("s.yaml", Sweep);
        CliResult uninterrupted = SweepCli.Run(whole.Path, "sweep", "s.yaml", "--no-report");
        Assert.That(uninterrupted.ExitCode, Is.EqualTo(0), uninterrupted.ToString());
        Assert.That(uninterrupted.Stdout, Does.Contain("halving at epoch 1 by test_loss with batch_size=32: 2 of 4 configurations go on, 2 runs stop here")
            .And.Contain("2 completed, 0 diverged, 0 failed, 6 stopped by halving"));
        string db = whole.File("results/results.db");
        var expectedDecisions = ResultsFile.Query<string>(db, Decisions);
        var expectedRuns = ResultsFile.Query<string>(db, Runs);
        Assert.That(expectedDecisions, Has.Count.EqualTo(8 + 4), "8 runs ranked at epoch 1, the 4 kept at epoch 2");
        Assert.That(ResultsFile.Scalar<long>(db, "SELECT count(*) FROM epochs"), Is.EqualTo(8 + 4 + 2 * 2));

        using var killed = new TempDir();
        killed.Write("s.yaml", Sweep);
        string killedDb = killed.File("results/results.db");
        // Once during the first rung's training, once after its decision, then to the end.
        KillWhen(killed.Path, () => ResultsFile.CountOrZero(killedDb, "SELECT count(*) FROM epochs") >= 3, "3 epochs");
        KillWhen(killed.Path, () => ResultsFile.CountOrZero(killedDb, "SELECT count(*) FROM epochs") >= 9, "the first decision and an epoch after it");
        CliResult rest = SweepCli.Run(killed.Path, "sweep", "s.yaml", "--no-report");

        Assert.That(rest.ExitCode, Is.EqualTo(0), rest.ToString());
        Assert.That(ResultsFile.Query<string>(killedDb, Decisions), Is.EqualTo(expectedDecisions));
        Assert.That(ResultsFile.Query<string>(killedDb, Runs), Is.EqualTo(expectedRuns), "the same runs stopped at the same epochs, no epoch twice");
    }

    [Test]
    public void A_stopped_run_continues_from_its_checkpoint_when_asked_for_without_halving()
    {
        using var dir = new TempDir();
        dir.Write("s.yaml", Sweep);
        Assert.That(SweepCli.Run(dir.Path, "sweep", "s.yaml", "--no-report").ExitCode, Is.EqualTo(0));
        CliResult plan = SweepCli.Run(dir.Path, "plan", "s.yaml");
        Assert.That(plan.Stdout, Does.Contain("rungs at epochs 1, 2; at most 16 epochs instead of 32 without halving (50 %)"));
        CliResult report = SweepCli.Run(dir.Path, "report", "--out", "report");
        Assert.That(report.ExitCode, Is.EqualTo(0), report.ToString());
        string summary = File.ReadAllText(dir.File("report/summary.md"));
        Assert.That(summary, Does.Contain("Successive halving stopped 6 runs early: 6 cells were decided on partial training"));
        Assert.That(summary, Does.Contain("| stopped_at_epoch |").And.Contain("| pruned |"));

        dir.Write("s.yaml", Sweep[..Sweep.IndexOf("halving:", StringComparison.Ordinal)] + Sweep[Sweep.IndexOf("grid:", StringComparison.Ordinal)..]);
        CliResult full = SweepCli.Run(dir.Path, "sweep", "s.yaml", "--no-report");

        Assert.That(full.ExitCode, Is.EqualTo(0), full.ToString());
        Assert.That(full.Stdout, Does.Contain("resuming from the checkpoint of epoch 1").And.Contain("resuming from the checkpoint of epoch 2"));
        string db = dir.File("results/results.db");
        Assert.That(ResultsFile.Scalar<long>(db, "SELECT count(*) FROM runs WHERE status = 'completed' AND pruned_at_epoch IS NULL"), Is.EqualTo(8));
        Assert.That(ResultsFile.Scalar<long>(db, "SELECT count(*) FROM epochs"), Is.EqualTo(8 * 4), "each epoch once: nothing was trained again");
    }

    private static void KillWhen(string dir, Func<bool> condition, string what)
    {
        using Process sweep = SweepCli.Start(dir, "sweep", "s.yaml", "--no-report");
        ResumeTests.WaitFor(condition, sweep, what);
        sweep.Kill();
        sweep.WaitForExit();
    }
}
