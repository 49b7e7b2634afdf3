using Dapper;
using Microsoft.Data.Sqlite;
using Sweep.Kernel;
using Sweep.Planning;
using Sweep.Storage;
using Sweep.Tests.Support;

namespace Sweep.Tests.Storage;

public sealed class ResultsDatabaseTests
{
    [Test]
    public void A_new_database_gets_the_schema_WAL_and_its_version()
    {
        using var dir = new TempDir();
        using (var connection = ResultsDatabase.OpenForWriting(dir.File("sub/results.db")))
        {
            Assert.That(connection.ExecuteScalar<string>("PRAGMA journal_mode;"), Is.EqualTo("wal"));
            Assert.That(connection.ExecuteScalar<long>("PRAGMA user_version;"), Is.EqualTo(ResultsDatabase.LatestVersion));
            Assert.That(connection.ExecuteScalar<long>("PRAGMA foreign_keys;"), Is.EqualTo(1));
            var tables = connection.Query<string>("SELECT name FROM sqlite_master WHERE type IN ('table','view') ORDER BY name;");
            Assert.That(tables, Is.SupersetOf(new[] { "runs", "epochs", "sweeps", "environments", "sweep_runs", "run_summary", "epoch_curves" }));
        }
        // Opening again applies nothing twice.
        using var again = ResultsDatabase.OpenForWriting(dir.File("sub/results.db"));
        using var againStore = ResultsStore.OpenForWriting(dir.File("sub/results.db"));
        Assert.That(again.ExecuteScalar<long>("PRAGMA user_version;"), Is.EqualTo(ResultsDatabase.LatestVersion));
    }

    [Test]
    public void A_database_from_a_newer_version_is_refused_and_left_alone()
    {
        using var dir = new TempDir();
        string path = dir.File("results.db");
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            connection.Execute("CREATE TABLE future (x); PRAGMA user_version = 99;");
        }
        byte[] before = File.ReadAllBytes(path);

        var error = Assert.Throws<SweepInputException>(() => ResultsDatabase.OpenForWriting(path))!;

        Assert.That(error.Message, Does.Contain("newer Sweep (schema version 99"));
        Assert.That(File.ReadAllBytes(path), Is.EqualTo(before));
    }

    [Test]
    public void A_file_that_is_not_SQLite_is_an_input_error()
    {
        using var dir = new TempDir();
        string path = dir.Write("results.db", "this is not a database, just text that is long enough to fill a header page....................");

        var error = Assert.Throws<SweepInputException>(() => ResultsDatabase.OpenForReading(path))!;
        Assert.That(error.Message, Does.Contain("cannot be opened as a SQLite database"));
    }

    [Test]
    public void Runs_and_epochs_round_trip_and_a_rerun_replaces_unfinished_epochs()
    {
        using var dir = new TempDir();
        SweepPlan plan = SweepPlanner.Parse("name: s\ngrid:\n  lr: [0.1, 0.01]\n", dir.File("s.yaml"));
        using var connection = ResultsDatabase.OpenForWriting(dir.File("results.db"));
        using var connectionStore = ResultsStore.OpenForWriting(dir.File("results.db"));
        var repository = new RunRepository(connectionStore);
        long sweepId = repository.StartSweep(plan);
        long environmentId = repository.RecordEnvironment(sweepId, new EnvironmentRow { Host = "h", Os = "o", Device = "cpu", ThreadCount = 2, TorchVersion = "t", TorchsharpVersion = "ts", DotnetVersion = "d" });
        PlannedRun run = plan.Runs[0];

        repository.BeginRun(sweepId, environmentId, run, "cpu", 2);
        repository.AddEpoch(run.RunId, new EpochMetrics(1, 2.0, 2.1, 1.9, 0.3, 0.1, 1.0, 100));
        repository.BeginRun(sweepId, environmentId, run, "cpu", 2); // the first attempt died without a checkpoint
        repository.KeepEpochsUpTo(run.RunId, 0);
        repository.AddEpoch(run.RunId, new EpochMetrics(1, 1.5, 1.6, 1.4, 0.4, 0.1, 1.0, 100));
        repository.AddEpoch(run.RunId, new EpochMetrics(2, 1.0, 1.1, 0.9, 0.6, 0.1, 1.0, 100));
        repository.FinishRun(run.RunId, RunStatus.Completed, null, null);

        RunRow row = new ReportReads(connectionStore).Runs("s").Single();
        Assert.That((row.Status, row.FinalTestLoss, row.FinalTestAccuracy, row.FinalTrainLoss), Is.EqualTo((RunStatus.Completed, 0.9, 0.6, 1.0)));
        Assert.That(new ReportReads(connectionStore).Epochs([run.RunId]).Select(e => e.TrainLoss), Is.EqualTo(new[] { 1.5, 1.0 }));
        Assert.That(repository.StatusOf(plan.Runs.Select(r => r.RunId)), Is.EqualTo(new Dictionary<string, RunStatus> { [run.RunId] = RunStatus.Completed }));
        Assert.Throws<SqliteException>(() => repository.AddEpoch(run.RunId, new EpochMetrics(2, 0, 0, 0, 0, 0, 0, 0)), "one row per run and epoch");
    }
}
