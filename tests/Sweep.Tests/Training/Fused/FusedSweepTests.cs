using System.Diagnostics;
using Sweep.Tests.Support;

namespace Sweep.Tests.Training.Fused;

/// <summary>fuse: true through the real CLI: per-run records, the same numbers as unfused runs, resume after SIGTERM.</summary>
public sealed class FusedSweepTests
{
    private const string Sweep = "name: fz\ntrain_size: 600\ntest_size: 100\nepochs: 4\ndeterministic: true\ngrid:\n  lr: [0.01, 0.003, 0.001]\n  batch_size: [16]\n";
    private const string EarlyEpochs = "SELECT run_id || ' epoch ' || epoch, train_loss FROM epochs WHERE epoch <= 2 ORDER BY run_id, epoch";
    private const string Finals = "SELECT run_id, status, final_train_loss, final_test_loss, final_test_accuracy FROM runs ORDER BY run_id";

    [Test]
    public void A_fused_sweep_records_every_run_like_an_unfused_one()
    {
        using var dir = new TempDir();
        dir.Write("s.yaml", Sweep);

        CliResult plan = SweepCli.Run(dir.Path, "plan", "s.yaml", "--fuse");
        CliResult fused = SweepCli.Run(dir.Path, "sweep", "s.yaml", "--fuse", "--db", "fused.db", "--no-report");
        CliResult alone = SweepCli.Run(dir.Path, "sweep", "s.yaml", "--db", "alone.db", "--no-report");

        Assert.That(plan.Stdout, Does.Contain("fuse: 1 fused packs (3 runs), 0 runs alone."));
        Assert.That(fused.ExitCode, Is.EqualTo(0), fused.ToString());
        Assert.That(fused.Stdout, Does.Contain("training 3 runs as one fused pack"));
        var a = ResultsFile.Query<(string, string, double, double, double)>(dir.File("fused.db"), Finals);
        var b = ResultsFile.Query<(string, string, double, double, double)>(dir.File("alone.db"), Finals);
        Assert.That(a.Select(r => (r.Item1, r.Item2)), Is.EqualTo(b.Select(r => (r.Item1, r.Item2))), "same run ids and statuses");
        for (int i = 0; i < a.Count; i++)
        {
            Assert.That(a[i].Item4, Is.EqualTo(b[i].Item4).Within(Math.Abs(b[i].Item4) * FusedEquivalenceTests.DriftTolerance), $"run {a[i].Item1} final test loss");
        }
        var earlyA = ResultsFile.Query<(string, double)>(dir.File("fused.db"), EarlyEpochs);
        var earlyB = ResultsFile.Query<(string, double)>(dir.File("alone.db"), EarlyEpochs);
        Assert.That(earlyA, Has.Count.EqualTo(6));
        for (int i = 0; i < earlyA.Count; i++)
        {
            Assert.That(earlyA[i].Item2, Is.EqualTo(earlyB[i].Item2).Within(earlyB[i].Item2 * FusedEquivalenceTests.Tolerance), $"run {earlyA[i].Item1} train loss");
        }
        Assert.That(ResultsFile.Scalar<long>(dir.File("fused.db"), "SELECT count(DISTINCT fused_pack) FROM runs"), Is.EqualTo(1));
        Assert.That(ResultsFile.Scalar<long>(dir.File("alone.db"), "SELECT count(*) FROM runs WHERE fused_pack IS NULL"), Is.EqualTo(3));
        Assert.That(ResultsFile.Scalar<long>(dir.File("fused.db"), "SELECT count(*) FROM epochs"), Is.EqualTo(12));

        CliResult report = SweepCli.Run(dir.Path, "report", "--db", "fused.db", "--out", "report");
        Assert.That(report.ExitCode, Is.EqualTo(0), report.ToString());
        string summary = File.ReadAllText(dir.File("report/summary.md"));
        Assert.That(summary, Does.Contain("3 of 3 runs trained in 1 fused pack: the runs of a pack saw the same batches"));
        Assert.That(File.ReadAllText(dir.File("report/index.html")), Does.Contain("common random numbers"));
    }

    [Test]
    public void An_interrupted_pack_resumes_from_its_checkpoint()
    {
        using var dir = new TempDir();
        dir.Write("s.yaml", Sweep.Replace("train_size: 600", "train_size: 1500", StringComparison.Ordinal));
        string db = dir.File("results/results.db");
        using (Process process = SweepCli.Start(dir.Path, "sweep", "s.yaml", "--fuse", "--no-report"))
        {
            var clock = Stopwatch.StartNew();
            while (ResultsFile.CountOrZero(db, "SELECT count(*) FROM epochs") < 3 && !process.HasExited && clock.Elapsed < TimeSpan.FromMinutes(2))
            {
                Thread.Sleep(20);
            }
            Assert.That(process.HasExited, Is.False, "the pack finished before it could be interrupted");
            using (Process kill = Process.Start("kill", $"-TERM {process.Id}"))
            {
                kill.WaitForExit();
            }
            Assert.That(process.WaitForExit(TimeSpan.FromSeconds(30)), Is.True);
            Assert.That(process.ExitCode, Is.EqualTo(130));
        }
        Assert.That(ResultsFile.Scalar<long>(db, "SELECT count(*) FROM runs WHERE status = 'interrupted'"), Is.EqualTo(3));

        CliResult again = SweepCli.Run(dir.Path, "sweep", "s.yaml", "--fuse", "--no-report");

        Assert.That(again.ExitCode, Is.EqualTo(0), again.ToString());
        Assert.That(again.Stdout, Does.Contain("resuming from the checkpoint of epoch"));
        Assert.That(ResultsFile.Scalar<long>(db, "SELECT count(*) FROM runs WHERE status = 'completed' AND resumed_from_epoch >= 1"), Is.EqualTo(3));
        Assert.That(ResultsFile.Scalar<long>(db, "SELECT count(*) FROM epochs"), Is.EqualTo(12));
        Assert.That(Directory.GetFiles(dir.File("results/checkpoints")), Is.Empty);
    }
}
