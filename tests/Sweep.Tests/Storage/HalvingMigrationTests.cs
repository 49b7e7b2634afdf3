using System.Reflection;
using Dapper;
using Microsoft.Data.Sqlite;
using Sweep.Storage;
using Sweep.Tests.Support;

namespace Sweep.Tests.Storage;

/// <summary>Migration 11 rebuilds the runs table (SQLite cannot change a CHECK in place); nothing may be lost on the way.</summary>
public sealed class HalvingMigrationTests
{
    [Test]
    public void A_version_10_database_keeps_every_row_key_view_and_index_and_then_takes_pruned_runs()
    {
        using var dir = new TempDir();
        string path = dir.File("results.db");
        using (var old = new SqliteConnection($"Data Source={path};Pooling=False;Foreign Keys=True"))
        {
            old.Open();
            foreach (string sql in MigrationsUpTo(10))
            {
                old.Execute(sql);
            }
            old.Execute("""
                PRAGMA user_version = 10;
                INSERT INTO sweeps (sweep_id, name, file_path, file_contents, started_at) VALUES (1, 's', 'f', 'c', 't');
                INSERT INTO runs (run_id, sweep_id, dataset, model, optimizer, lr, batch_size, epochs, seed, augment, momentum, weight_decay,
                                  config_json, status, started_at, final_test_loss, config_key, data_mean)
                VALUES ('r1', 1, 'mnist', 'small-cnn', 'adam', 0.001, 16, 3, 0, 0, 0.9, 0, '{}', 'completed', 't', 0.25, 'k', '[0.1]'),
                       ('r2', 1, 'mnist', 'small-cnn', 'adam', 0.01, 16, 3, 0, 0, 0.9, 0, '{}', 'interrupted', 't', NULL, 'k2', NULL);
                INSERT INTO epochs (run_id, epoch, train_loss, test_loss, test_accuracy, learning_rate, seconds, images_per_second)
                VALUES ('r1', 1, 0.5, 0.4, 0.9, 0.001, 1, 100), ('r2', 1, 0.6, 0.5, 0.8, 0.01, 1, 100);
                """);
        }

        using var connection = ResultsDatabase.OpenForWriting(path);

        Assert.That(connection.ExecuteScalar<long>("PRAGMA user_version;"), Is.EqualTo(ResultsDatabase.LatestVersion));
        Assert.That(connection.Query<(string, string, double?, string?)>("SELECT run_id, status, final_test_loss, data_mean FROM runs ORDER BY run_id"),
            Is.EqualTo(new[] { ("r1", "completed", (double?)0.25, (string?)"[0.1]"), ("r2", "interrupted", null, null) }));
        Assert.That(connection.ExecuteScalar<long>("SELECT count(*) FROM epoch_curves"), Is.EqualTo(2), "the views read the rebuilt table");
        Assert.That(connection.ExecuteScalar<long>("SELECT seeds FROM config_summary WHERE config_key = 'k'"), Is.EqualTo(1));
        Assert.That(connection.Query<string>("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'runs' AND sql IS NOT NULL ORDER BY name"),
            Is.EqualTo(new[] { "runs_by_config", "runs_by_grid", "runs_by_pack", "runs_by_status", "runs_by_sweep" }));
        Assert.That(connection.Query("PRAGMA foreign_key_check;"), Is.Empty);
        Assert.That(connection.ExecuteScalar<long>("PRAGMA foreign_keys;"), Is.EqualTo(1), "keys are checked again after the migration");

        connection.Execute("UPDATE runs SET status = 'pruned', pruned_at_epoch = 1 WHERE run_id = 'r2';");
        Assert.Throws<SqliteException>(() => connection.Execute("UPDATE runs SET status = 'lost' WHERE run_id = 'r2';"), "the CHECK still guards the status");
        Assert.Throws<SqliteException>(() => connection.Execute("INSERT INTO epochs (run_id, epoch, train_loss, test_accuracy, learning_rate, seconds, images_per_second) VALUES ('nobody', 1, 1, 1, 1, 1, 1);"),
            "epochs still refer to runs");
    }

    private static IEnumerable<string> MigrationsUpTo(int version)
    {
        Assembly sweep = typeof(ResultsDatabase).Assembly;
        foreach (string name in sweep.GetManifestResourceNames().Where(n => n.StartsWith("Sweep.Storage.Migrations.", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            if (int.Parse(name["Sweep.Storage.Migrations.".Length..][..3]) <= version)
            {
                using var reader = new StreamReader(sweep.GetManifestResourceStream(name)!);
                yield return reader.ReadToEnd();
            }
        }
    }
}
