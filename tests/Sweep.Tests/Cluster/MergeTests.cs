using Sweep.Tests.Support;

namespace Sweep.Tests.Cluster;

/// <summary>Shards trained by the real CLI, merged by the real CLI.</summary>
public sealed class MergeTests
{
    private const string Tiny = "name: tiny\ntrain_size: 100\ntest_size: 50\nepochs: 2\ndeterministic: true\ngrid:\n  lr: [0.01, 0.001, 0.0001]\n";

    [Test]
    public void Merged_shards_equal_one_machine_and_merging_twice_changes_nothing()
    {
        using var dir = new TempDir();
        dir.Write("s.yaml", Tiny);
        for (int i = 0; i < 2; i++)
        {
            CliResult shard = SweepCli.Run(dir.Path, "sweep", "s.yaml", "--shard", $"{i}/2", "--no-report");
            Assert.That(shard.ExitCode, Is.EqualTo(0), shard.ToString());
            Assert.That(shard.Stdout, Does.Contain($"shard {i}/2:").And.Contain($"results/shards/results-{i}-of-2.db"));
        }
        Assert.That(SweepCli.Run(dir.Path, "sweep", "s.yaml", "--db", "single/results.db", "--no-report").ExitCode, Is.EqualTo(0));

        CliResult merge = SweepCli.Run(dir.Path, "merge", "results/shards/results-0-of-2.db", "results/shards/results-1-of-2.db", "--into", "results/results.db");

        Assert.That(merge.ExitCode, Is.EqualTo(0), merge.ToString());
        Assert.That(merge.Stdout, Does.Contain("3 runs added, 0 replaced by a more complete record, 0 already there; 6 epoch rows copied"));
        const string Runs = "SELECT run_id, status, final_test_loss, final_test_accuracy FROM runs ORDER BY run_id";
        const string Epochs = "SELECT run_id, epoch, train_loss, test_loss FROM epochs ORDER BY run_id, epoch";
        Assert.That(ResultsFile.Query<(string, string, double, double)>(dir.File("results/results.db"), Runs),
            Is.EqualTo(ResultsFile.Query<(string, string, double, double)>(dir.File("single/results.db"), Runs)));
        Assert.That(ResultsFile.Query<(string, long, double, double)>(dir.File("results/results.db"), Epochs),
            Is.EqualTo(ResultsFile.Query<(string, long, double, double)>(dir.File("single/results.db"), Epochs)));

        CliResult again = SweepCli.Run(dir.Path, "merge", "results/shards/results-0-of-2.db", "results/shards/results-1-of-2.db", "--into", "results/results.db");
        Assert.That(again.Stdout, Does.Contain("0 runs added, 0 replaced by a more complete record, 3 already there"));
        Assert.That(ResultsFile.Scalar<long>(dir.File("results/results.db"), "SELECT count(*) FROM sweeps"), Is.EqualTo(2));
        Assert.That(ResultsFile.Scalar<long>(dir.File("results/results.db"), "SELECT count(*) FROM epochs"), Is.EqualTo(6));
    }

    [Test]
    public void The_most_complete_record_of_a_run_wins()
    {
        using var dir = new TempDir();
        dir.Write("s.yaml", Tiny);
        Assert.That(SweepCli.Run(dir.Path, "sweep", "s.yaml", "--db", "a.db", "--no-report").ExitCode, Is.EqualTo(0));
        File.Copy(dir.File("a.db"), dir.File("b.db"));
        using (var b = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={dir.File("b.db")};Pooling=False"))
        {
            b.Open();
            using var command = b.CreateCommand();
            command.CommandText = "DELETE FROM epochs WHERE epoch = 2 AND run_id IN (SELECT run_id FROM runs WHERE lr = 0.01); UPDATE runs SET status = 'interrupted' WHERE lr = 0.01;";
            command.ExecuteNonQuery();
        }

        // The incomplete copy first, then the complete one: the complete record must replace it.
        CliResult merge = SweepCli.Run(dir.Path, "merge", "b.db", "a.db", "--into", "merged.db");

        Assert.That(merge.ExitCode, Is.EqualTo(0), merge.ToString());
        Assert.That(merge.Stdout, Does.Contain("3 runs added, 1 replaced by a more complete record, 2 already there"));
        Assert.That(ResultsFile.Scalar<long>(dir.File("merged.db"), "SELECT count(*) FROM runs WHERE status = 'completed'"), Is.EqualTo(3));
        Assert.That(ResultsFile.Scalar<long>(dir.File("merged.db"), "SELECT count(*) FROM epochs"), Is.EqualTo(6));
    }

    [Test]
    public void Databases_of_different_sweeps_are_refused_unless_allowed()
    {
        using var dir = new TempDir();
        dir.Write("a.yaml", Tiny);
        dir.Write("b.yaml", Tiny.Replace("name: tiny", "name: other", StringComparison.Ordinal));
        Assert.That(SweepCli.Run(dir.Path, "sweep", "a.yaml", "--db", "a.db", "--no-report").ExitCode, Is.EqualTo(0));
        Assert.That(SweepCli.Run(dir.Path, "sweep", "b.yaml", "--db", "b.db", "--no-report").ExitCode, Is.EqualTo(0));

        CliResult refused = SweepCli.Run(dir.Path, "merge", "a.db", "b.db", "--into", "m.db");
        Assert.That(refused.ExitCode, Is.EqualTo(2), refused.ToString());
        Assert.That(refused.Stderr, Does.Contain("the databases hold different sweeps (other, tiny)"));
        Assert.That(File.Exists(dir.File("m.db")), Is.False);

        CliResult allowed = SweepCli.Run(dir.Path, "merge", "a.db", "b.db", "--into", "m.db", "--allow-other-sweeps");
        Assert.That(allowed.ExitCode, Is.EqualTo(0), allowed.ToString());
        Assert.That(allowed.Stdout, Does.Contain("3 runs added, 0 replaced by a more complete record, 3 already there"), "the same configurations are one run");
    }

    [Test]
    public void Merge_carries_every_table_the_schema_defines()
    {
        using var dir = new TempDir();
        string db = dir.File("fresh.db");
        using (Microsoft.Data.Sqlite.SqliteConnection connection = Sweep.Storage.ResultsDatabase.OpenForWriting(db))
        {
        }
        var tables = ResultsFile.Query<string>(db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name");

        Assert.That(tables, Has.Count.GreaterThanOrEqualTo(9));
        Assert.That(Sweep.Storage.DatabaseMerge.Tables, Is.EquivalentTo(tables),
            "a migration added a table: teach Storage/DatabaseMerge to copy it, then list it in DatabaseMerge.Tables");
    }

    [Test]
    public void Halving_decisions_and_lr_range_tests_survive_a_merge_and_a_rerun_trains_nothing()
    {
        using var dir = new TempDir();
        dir.Write("s.yaml", """
            name: halved
            train_size: 200
            test_size: 50
            epochs: 2
            threads: 1
            deterministic: true
            halving:
              min_epochs: 1
              eta: 2
            grid:
              lr: [0.03, 0.001]
            """);
        Assert.That(SweepCli.Run(dir.Path, "sweep", "s.yaml", "--db", "a.db", "--no-report").ExitCode, Is.EqualTo(0));
        Assert.That(SweepCli.Run(dir.Path, "lr-find", "s.yaml", "--db", "a.db", "--steps", "20").ExitCode, Is.EqualTo(0));

        CliResult merge = SweepCli.Run(dir.Path, "merge", "a.db", "--into", "m.db");
        Assert.That(merge.ExitCode, Is.EqualTo(0), merge.ToString());
        Assert.That(SweepCli.Run(dir.Path, "merge", "a.db", "--into", "m.db").ExitCode, Is.EqualTo(0), "merging twice");

        const string Decisions = "SELECT halving_key || run_id || rung_epoch || rank || kept || quote(value) FROM halving_decisions ORDER BY 1";
        const string Finds = "SELECT batch_size || ' ' || started_at || ' ' || quote(suggested_lr_steepest) || ' ' || (SELECT count(*) || ' ' || sum(loss) FROM lr_find_points p WHERE p.lr_find_id = f.lr_find_id) FROM lr_finds f ORDER BY 1";
        var decisions = ResultsFile.Query<string>(dir.File("a.db"), Decisions);
        Assert.That(decisions, Has.Count.EqualTo(2));
        Assert.That(ResultsFile.Query<string>(dir.File("m.db"), Decisions), Is.EqualTo(decisions));
        Assert.That(ResultsFile.Query<string>(dir.File("m.db"), Finds), Is.EqualTo(ResultsFile.Query<string>(dir.File("a.db"), Finds)).And.Count.EqualTo(1));

        long epochs = ResultsFile.Scalar<long>(dir.File("m.db"), "SELECT count(*) FROM epochs");
        CliResult rerun = SweepCli.Run(dir.Path, "sweep", "s.yaml", "--db", "m.db", "--no-report");
        Assert.That(rerun.ExitCode, Is.EqualTo(0), rerun.ToString());
        Assert.That(ResultsFile.Scalar<long>(dir.File("m.db"), "SELECT count(*) FROM epochs"), Is.EqualTo(epochs), "what the shard decided is not trained again");
        Assert.That(ResultsFile.Query<string>(dir.File("m.db"), Decisions), Is.EqualTo(decisions));
    }
}
