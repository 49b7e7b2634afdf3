using System.Diagnostics;
using Sweep.Planning;
using Sweep.Tests.Support;

namespace Sweep.Tests.Cli;

/// <summary>kill -9 and SIGTERM against the real CLI, then the same command again.</summary>
public sealed class ResumeTests
{
    private const string Sweep = """
        name: resume
        train_size: 1500
        test_size: 200
        epochs: 6
        deterministic: true
        grid:
          lr: [0.003, 0.001]
          batch_size: [16]
        """;

    private const string EpochRows = "SELECT run_id, epoch, train_loss, last_batch_loss, test_loss, test_accuracy FROM epochs ORDER BY run_id, epoch";

    [Test]
    public void Kill_9_mid_run_then_the_same_command_continues_from_the_checkpoint_with_identical_numbers()
    {
        using var reference = new TempDir();
        reference.Write("s.yaml", Sweep);
        Assert.That(SweepCli.Run(reference.Path, "sweep", "s.yaml", "--no-report").ExitCode, Is.EqualTo(0));

        using var dir = new TempDir();
        dir.Write("s.yaml", Sweep);
        string db = dir.File("results/results.db");
        using (Process process = SweepCli.Start(dir.Path, "sweep", "s.yaml", "--no-report"))
        {
            WaitFor(() => ResultsFile.CountOrZero(db, "SELECT count(*) FROM epochs") >= 3, process, "3 epochs");
            process.Kill(); // SIGKILL: no chance to clean up
            process.WaitForExit();
        }
        Assert.That(ResultsFile.Scalar<string>(db, "SELECT status FROM runs ORDER BY started_at LIMIT 1"), Is.EqualTo("running"),
            "the killed run is left as it was");
        var before = ResultsFile.Query<(string, long, long)>(db, "SELECT run_id, epoch, rowid FROM epochs ORDER BY run_id, epoch");

        CliResult again = SweepCli.Run(dir.Path, "sweep", "s.yaml", "--no-report");

        Assert.That(again.ExitCode, Is.EqualTo(0), again.ToString());
        Assert.That(again.Stdout, Does.Contain("resuming from the checkpoint of epoch"));
        var expected = ResultsFile.Query<(string, long, double, double, double, double)>(reference.File("results/results.db"), EpochRows);
        var actual = ResultsFile.Query<(string, long, double, double, double, double)>(db, EpochRows);
        Assert.That(actual, Is.EqualTo(expected), "bit-identical to the uninterrupted run, no epoch lost or repeated");
        Assert.That(ResultsFile.Scalar<long>(db, "SELECT count(*) FROM runs WHERE status = 'completed'"), Is.EqualTo(2));
        Assert.That(ResultsFile.Scalar<long>(db, "SELECT count(*) FROM runs WHERE resumed_from_epoch >= 1"), Is.EqualTo(1));
        // Resumed, not restarted: the rows committed before the kill, up to the checkpoint, are the same rows.
        var resumed = ResultsFile.Query<(string, long)>(db, "SELECT run_id, resumed_from_epoch FROM runs WHERE resumed_from_epoch >= 1").Single();
        var kept = before.Where(r => r.Item1 == resumed.Item1 && r.Item2 <= resumed.Item2).ToList();
        Assert.That(kept, Has.Count.EqualTo(resumed.Item2));
        Assert.That(ResultsFile.Query<(string, long, long)>(db, $"SELECT run_id, epoch, rowid FROM epochs WHERE run_id = '{resumed.Item1}' AND epoch <= {resumed.Item2} ORDER BY epoch"),
            Is.EqualTo(kept), "same row ids: the epochs before the checkpoint were kept, not recomputed");
        Assert.That(Directory.GetFiles(dir.File("results/checkpoints")), Is.Empty, "checkpoints of finished runs are deleted");
    }

    [Test]
    public void SIGTERM_stops_at_the_next_step_marks_the_run_interrupted_and_exits_130()
    {
        using var dir = new TempDir();
        dir.Write("s.yaml", Sweep);
        string db = dir.File("results/results.db");
        using Process process = SweepCli.Start(dir.Path, "sweep", "s.yaml", "--no-report");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        WaitFor(() => ResultsFile.CountOrZero(db, "SELECT count(*) FROM epochs") >= 1, process, "1 epoch");

        using (Process kill = Process.Start("kill", $"-TERM {process.Id}"))
        {
            kill.WaitForExit();
        }
        Assert.That(process.WaitForExit(TimeSpan.FromSeconds(20)), Is.True, "stops within seconds");

        Assert.That(process.ExitCode, Is.EqualTo(130), stdout.Result);
        Assert.That(stdout.Result, Does.Contain(": interrupted"));
        Assert.That(File.Exists(db + "-wal"), Is.False, "stopped or not, results.db is one whole file");
        Assert.That(ResultsFile.Scalar<long>(db, "SELECT count(*) FROM runs WHERE status = 'interrupted'"), Is.EqualTo(1));
        CliResult again = SweepCli.Run(dir.Path, "sweep", "s.yaml", "--no-report");
        Assert.That(again.ExitCode, Is.EqualTo(0), again.ToString());
        Assert.That(ResultsFile.Scalar<long>(db, "SELECT count(*) FROM epochs"), Is.EqualTo(12));
    }

    [Test]
    public void A_corrupt_or_foreign_checkpoint_is_ignored_with_a_warning()
    {
        using var dir = new TempDir();
        string yaml = "train_size: 100\ntest_size: 50\nepochs: 2\nkeep_checkpoints: true\ngrid:\n  lr: [0.01, 0.001]\n";
        string file = dir.Write("s.yaml", yaml);
        var ids = SweepPlanner.Load(file).Runs.Select(r => r.RunId).ToList();
        Directory.CreateDirectory(dir.File("results/checkpoints"));
        File.WriteAllText(dir.File($"results/checkpoints/{ids[0]}.ckpt"), "garbage");

        CliResult first = SweepCli.Run(dir.Path, "sweep", "s.yaml", "--no-report");

        Assert.That(first.ExitCode, Is.EqualTo(0), first.ToString());
        Assert.That(first.Stdout, Does.Contain($"warning: checkpoint").And.Contain("is unreadable").And.Contain($"starting run {ids[0]} over"));
        Assert.That(File.Exists(dir.File($"results/checkpoints/{ids[1]}.ckpt")), Is.True, "keep_checkpoints keeps them");

        // A checkpoint copied from another run, and that run marked unfinished.
        File.Copy(dir.File($"results/checkpoints/{ids[1]}.ckpt"), dir.File($"results/checkpoints/{ids[0]}.ckpt"), overwrite: true);
        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={dir.File("results/results.db")};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"UPDATE runs SET status = 'interrupted' WHERE run_id = '{ids[0]}'";
            command.ExecuteNonQuery();
        }
        CliResult second = SweepCli.Run(dir.Path, "sweep", "s.yaml", "--no-report");

        Assert.That(second.ExitCode, Is.EqualTo(0), second.ToString());
        Assert.That(second.Stdout, Does.Contain("belongs to another configuration"));
        Assert.That(ResultsFile.Scalar<long>(dir.File("results/results.db"), "SELECT count(*) FROM epochs"), Is.EqualTo(4));
    }

    internal static void WaitFor(Func<bool> condition, Process process, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (process.HasExited)
            {
                Assert.Fail($"the sweep exited (code {process.ExitCode}) before {what} were recorded");
            }
            if (clock.Elapsed > TimeSpan.FromMinutes(2))
            {
                process.Kill();
                Assert.Fail($"no {what} after 2 minutes");
            }
            Thread.Sleep(20);
        }
    }
}
