using Dapper;
using Sweep.Kernel;
using Sweep.Planning;
using Sweep.Storage;
using Sweep.Tests.Support;

namespace Sweep.Tests.Cli;

/// <summary>A results database cut short or overwritten in the middle: one input error for every command, the file untouched.</summary>
public sealed class DamagedDatabaseTests
{
    private const string Yaml = "name: s\ntrain_size: 100\ntest_size: 50\nepochs: 1\ngrid:\n  lr: [0.1]\n";

    [TestCase("cut short")]
    [TestCase("overwritten in the middle")]
    public void Every_command_refuses_a_damaged_database_with_one_line_and_exit_2(string damage)
    {
        using var dir = new TempDir();
        string db = dir.File("results.db");
        WriteRunWithManyEpochs(dir, db);
        byte[] good = File.ReadAllBytes(db);
        byte[] bad = damage == "cut short"
            ? good[..(good.Length / 2)]
            : good.Select((b, i) => i > good.Length / 4 && i < good.Length * 3 / 4 ? (byte)0xAB : b).ToArray();
        File.WriteAllBytes(db, bad);

        foreach (string[] command in new[]
                 {
                     new[] { "report", "--db", db, "--out", dir.File("report") },
                     new[] { "export", "csv", "--db", db, "--out", dir.File("csv") },
                     new[] { "sweep", dir.File("s.yaml"), "--db", db, "--no-report" },
                 })
        {
            CliResult result = InProcessCli.Run(command);

            Assert.That(result.ExitCode, Is.EqualTo(2), $"{damage}, {command[0]}: {result}");
            Assert.That(result.Stderr.Trim().Split('\n'), Has.Length.EqualTo(1));
            Assert.That(result.Stderr, Does.Contain("is damaged (SQLite: database disk image is malformed").And.Contain("restore it from a good copy"));
            Assert.That(File.ReadAllBytes(db), Is.EqualTo(bad), "the file is left as it was");
        }
    }

    /// <summary>A real database whose epochs fill many pages, so damage in the middle lands in rows a command reads.</summary>
    private static void WriteRunWithManyEpochs(TempDir dir, string db)
    {
        SweepPlan plan = SweepPlanner.Parse(Yaml, dir.Write("s.yaml", Yaml));
        using var connection = ResultsDatabase.OpenForWriting(db);
        var repository = new RunRepository(connection);
        long sweepId = repository.StartSweep(plan);
        long environmentId = repository.RecordEnvironment(sweepId, new EnvironmentRow { Host = "h", Os = "o", Device = "cpu", ThreadCount = 1, TorchVersion = "t", TorchsharpVersion = "ts", DotnetVersion = "d" });
        repository.BeginRun(sweepId, environmentId, plan.Runs[0], "cpu", 1);
        using (var tx = connection.BeginTransaction())
        {
            for (int epoch = 1; epoch <= 3000; epoch++)
            {
                connection.Execute(
                    "INSERT INTO epochs (run_id, epoch, train_loss, last_batch_loss, test_loss, test_accuracy, learning_rate, seconds, images_per_second) VALUES (@id, @epoch, 1, 1, 1, 0.5, 0.1, 1, 100)",
                    new { id = plan.Runs[0].RunId, epoch }, tx);
            }
            tx.Commit();
        }
        repository.FinishRun(plan.Runs[0].RunId, RunStatus.Completed, null, null);
    }
}
