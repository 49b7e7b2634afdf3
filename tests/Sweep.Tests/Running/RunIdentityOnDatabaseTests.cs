using Dapper;
using Microsoft.Data.Sqlite;
using Sweep.Planning;
using Sweep.Running;
using Sweep.Tests.Support;

namespace Sweep.Tests.Running;

/// <summary>Re-runs against a real results database: only what is new or unfinished is trained.</summary>
public sealed class RunIdentityOnDatabaseTests
{
    private const string Base = "train_size: 100\ntest_size: 50\nepochs: 1\n";

    private static SweepOutcome Run(TempDir dir, string name, string yaml)
    {
        SweepPlan plan = SweepPlanner.Parse(yaml, dir.Write(name, yaml));
        return new SweepRunner(new PlainProgress(TextWriter.Null)).Run(plan, dir.File("results.db"), CancellationToken.None);
    }

    private static long Count(TempDir dir, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={dir.File("results.db")};Pooling=False");
        connection.Open();
        return connection.ExecuteScalar<long>(sql);
    }

    [Test]
    public void Editing_one_axis_value_trains_only_the_new_runs()
    {
        using var dir = new TempDir();
        Assert.That(Run(dir, "a.yaml", Base + "grid:\n  lr: [0.01, 0.001]\n  batch_size: [25, 50]\n").Completed, Is.EqualTo(4));

        SweepOutcome second = Run(dir, "a.yaml", Base + "grid:\n  lr: [0.01, 0.003]\n  batch_size: [25, 50]\n");

        Assert.That((second.Skipped, second.Completed), Is.EqualTo((2, 2)));
        Assert.That(Count(dir, "SELECT count(*) FROM runs;"), Is.EqualTo(6));
    }

    [Test]
    public void A_failed_or_interrupted_run_is_trained_again_without_duplicate_epochs()
    {
        using var dir = new TempDir();
        string yaml = Base + "grid:\n  lr: [0.01, 0.001, 0.0001]\n";
        Run(dir, "a.yaml", yaml);
        using (var connection = new SqliteConnection($"Data Source={dir.File("results.db")};Pooling=False"))
        {
            connection.Open();
            connection.Execute("UPDATE runs SET status = 'failed' WHERE lr = 0.01; UPDATE runs SET status = 'interrupted' WHERE lr = 0.001;");
        }

        SweepOutcome again = Run(dir, "a.yaml", yaml);

        Assert.That((again.Skipped, again.Completed), Is.EqualTo((1, 2)));
        Assert.That(Count(dir, "SELECT count(*) FROM runs WHERE status = 'completed';"), Is.EqualTo(3));
        Assert.That(Count(dir, "SELECT count(*) FROM epochs;"), Is.EqualTo(3));
    }

    [Test]
    public void Two_files_describing_the_same_configuration_share_results()
    {
        using var dir = new TempDir();
        Run(dir, "first.yaml", "name: first\n" + Base + "grid:\n  lr: [0.01]\n  batch_size: [20]\n");

        SweepOutcome other = Run(dir, "second.yaml", "name: second\nbatch_size: 20\noptimizer: adam\nepochs: 1\ntest_size: 50\ntrain_size: 100\ngrid:\n  lr: [1e-2]\n");

        Assert.That((other.Skipped, other.Completed), Is.EqualTo((1, 0)));
        Assert.That(Count(dir, "SELECT count(*) FROM sweep_runs;"), Is.EqualTo(2), "both sweeps list the run");
    }
}
