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

    [Test]
    public void A_failed_run_counts_as_failed_exits_1_and_is_retried_by_the_next_invocation()
    {
        using var dir = new TempDir();
        string file = dir.Write("s.yaml", "name: hf\ntrain_size: 300\ntest_size: 100\nepochs: 2\nthreads: 1\ndeterministic: true\n" +
            "halving:\n  min_epochs: 1\n  eta: 2\ngrid:\n  lr: [0.03, 0.01, 0.003, 0.001]\n");
        string victim = global::Sweep.Planning.SweepPlanner.Load(file).Runs[2].RunId;
        // A folder where the run's checkpoint file must go: writing it fails for that run only.
        string blocker = dir.File($"results/checkpoints/{victim}.ckpt");
        Directory.CreateDirectory(Path.Combine(blocker, "blocker"));
        string db = dir.File("results/results.db");

        CliResult first = SweepCli.Run(dir.Path, "sweep", "s.yaml", "--no-report");

        Assert.That(first.ExitCode, Is.EqualTo(1), first.ToString());
        Assert.That(first.Stdout, Does.Contain("1 failed"));
        Assert.That(ResultsFile.Scalar<string>(db, $"SELECT status FROM runs WHERE run_id = '{victim}'"), Is.EqualTo("failed"));
        Assert.That(ResultsFile.Scalar<long>(db, "SELECT count(*) FROM runs WHERE status = 'pruned' AND error IS NOT NULL"), Is.EqualTo(0),
            "a stopped run carries no error");

        Directory.Delete(blocker, recursive: true);
        CliResult second = SweepCli.Run(dir.Path, "sweep", "s.yaml", "--no-report");

        Assert.That(second.ExitCode, Is.EqualTo(0), second.ToString());
        Assert.That(second.Stdout, Does.Contain("0 failed"));
        Assert.That(ResultsFile.Scalar<string>(db, $"SELECT status || ' ' || ifnull(pruned_at_epoch, '-') || ' ' || (SELECT count(*) FROM epochs e WHERE e.run_id = r.run_id) FROM runs r WHERE run_id = '{victim}'"),
            Is.EqualTo("pruned 1 1"), "retried to the rung its stored decision stopped it at");
        Assert.That(ResultsFile.Scalar<long>(db, "SELECT count(*) FROM runs WHERE status = 'failed'"), Is.EqualTo(0));
    }

    [Test]
    public void Changing_the_halving_block_keeps_every_stopped_runs_epochs_and_final_metrics_consistent()
    {
        using var dir = new TempDir();
        dir.Write("s.yaml", Sweep.Replace("min_epochs: 1", "min_epochs: 2", StringComparison.Ordinal));
        Assert.That(SweepCli.Run(dir.Path, "sweep", "s.yaml", "--no-report").ExitCode, Is.EqualTo(0));
        dir.Write("s.yaml", Sweep);

        CliResult rerun = SweepCli.Run(dir.Path, "sweep", "s.yaml", "--no-report");

        Assert.That(rerun.ExitCode, Is.EqualTo(0), rerun.ToString());
        string db = dir.File("results/results.db");
        const string Inconsistent = """
            SELECT count(*) FROM runs r WHERE status = 'pruned' AND (
                pruned_at_epoch IS NOT (SELECT max(epoch) FROM epochs e WHERE e.run_id = r.run_id)
                OR final_test_loss IS NOT (SELECT test_loss FROM epochs e WHERE e.run_id = r.run_id AND e.epoch = r.pruned_at_epoch)
                OR error IS NOT NULL)
            """;
        Assert.That(ResultsFile.Scalar<long>(db, "SELECT count(*) FROM runs WHERE status = 'pruned'"), Is.GreaterThan(0));
        Assert.That(ResultsFile.Scalar<long>(db, Inconsistent), Is.EqualTo(0));
    }

    private static void KillWhen(string dir, Func<bool> condition, string what)
    {
        using Process sweep = SweepCli.Start(dir, "sweep", "s.yaml", "--no-report");
        ResumeTests.WaitFor(condition, sweep, what);
        sweep.Kill();
        sweep.WaitForExit();
    }
}
