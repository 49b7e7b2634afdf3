using Dapper;
using Microsoft.Data.Sqlite;
using Sweep.Tests.Support;

namespace Sweep.Tests.Cli;

/// <summary>The real CLI as a child process: exit codes, the database it leaves, the figures it draws.</summary>
public sealed class SweepCommandTests
{
    private const string Tiny = """
        name: tiny
        train_size: 200
        test_size: 100
        epochs: 2
        grid:
          lr: [0.01, 0.001]
          batch_size: [16, 64]
        """;

    [Test]
    public void A_sweep_trains_every_run_records_it_and_draws_the_report()
    {
        using var dir = new TempDir();
        dir.Write("tiny.yaml", Tiny);

        CliResult result = SweepCli.Run(dir.Path, "sweep", "tiny.yaml", "--db", "out/results.db");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(result.Stdout, Does.Contain("[run 4/4] lr=1e-3 batch_size=64 epoch 2/2: train_loss"));
        Assert.That(result.Stderr, Is.Empty);
        // One whole file: a copy of results.db alone, without its -wal, holds every run.
        Assert.That(File.Exists(dir.File("out/results.db-wal")), Is.False, "the write-ahead log was folded into results.db");
        File.Copy(dir.File("out/results.db"), dir.File("copy.db"));
        using (var copy = Open(dir.File("copy.db")))
        {
            Assert.That(copy.ExecuteScalar<long>("SELECT count(*) FROM runs WHERE status = 'completed';"), Is.EqualTo(4));
        }
        using var db = Open(dir.File("out/results.db"));
        var runs = db.Query<(string RunId, double Lr, long BatchSize, long Seed, string Status, double? FinalTestAccuracy, double? FinalTestLoss)>(
            "SELECT run_id, lr, batch_size, seed, status, final_test_accuracy, final_test_loss FROM runs ORDER BY lr, batch_size;").ToList();
        Assert.That(runs.Select(r => (r.Lr, r.BatchSize)), Is.EqualTo(new[] { (0.001, 16L), (0.001, 64L), (0.01, 16L), (0.01, 64L) }));
        Assert.That(runs.Select(r => r.Status), Is.All.EqualTo("completed"));
        Assert.That(runs.Select(r => r.FinalTestAccuracy), Is.All.InRange(0.0, 1.0));
        var epochs = db.Query<(string RunId, long Epoch, double TrainLoss, double TestLoss, double TestAccuracy)>(
            "SELECT run_id, epoch, train_loss, test_loss, test_accuracy FROM epochs ORDER BY run_id, epoch;").ToList();
        Assert.That(epochs, Has.Count.EqualTo(8));
        Assert.That(epochs.GroupBy(e => e.RunId).Select(g => g.Select(e => e.Epoch)), Is.All.EqualTo(new long[] { 1, 2 }));
        Assert.That(db.ExecuteScalar<string>("SELECT file_contents FROM sweeps;"), Is.EqualTo(Tiny));
        Assert.That(db.ExecuteScalar<string>("SELECT torch_version FROM environments;"), Does.StartWith("2.10"));

        foreach (string figure in new[] { "train_loss_by_epoch.png", "final_test_loss_vs_lr.png" })
        {
            using var png = new PngImage(dir.File("out/" + figure));
            Assert.That(png.InkFraction(), Is.GreaterThan(0.01), figure);
        }
    }

    [Test]
    public void Running_the_same_file_again_trains_nothing_new()
    {
        using var dir = new TempDir();
        dir.Write("tiny.yaml", Tiny.Replace("[16, 64]", "[32]", StringComparison.Ordinal));
        Assert.That(SweepCli.Run(dir.Path, "sweep", "tiny.yaml").ExitCode, Is.EqualTo(0));

        CliResult again = SweepCli.Run(dir.Path, "sweep", "tiny.yaml");

        Assert.That(again.ExitCode, Is.EqualTo(0), again.ToString());
        Assert.That(again.Stdout, Does.Contain("2 runs planned, 2 already in results/results.db, 0 to train"));
        using var db = Open(dir.File("results/results.db"));
        Assert.That(db.ExecuteScalar<long>("SELECT count(*) FROM epochs;"), Is.EqualTo(4));
    }

    [TestCase("grid:\n  lr: [abc]\n", "bad.yaml:2:8: 'lr' must be a number")]
    [TestCase("grid:\n  lr: [0.1\n", "invalid YAML")]
    [TestCase("batchsize: 3\ngrid:\n  lr: [0.1]\n", "did you mean 'batch_size'?")]
    public void A_bad_sweep_file_exits_2_with_one_line_and_touches_nothing(string text, string fragment)
    {
        using var dir = new TempDir();
        dir.Write("bad.yaml", text);

        CliResult result = SweepCli.Run(dir.Path, "sweep", "bad.yaml");

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Stderr.Trim(), Does.StartWith("error: ").And.Contain(fragment));
        Assert.That(result.Stderr.Trim().Split('\n'), Has.Length.EqualTo(1));
        Assert.That(Directory.Exists(dir.File("results")), Is.False, "no database is created for a bad file");
    }

    [Test]
    public void Missing_data_exits_2_before_the_database_is_touched()
    {
        using var dir = new TempDir();
        dir.Write("cifar.yaml", "dataset: cifar10\ndata_dir: nowhere\ngrid:\n  lr: [0.1]\n");

        CliResult result = SweepCli.Run(dir.Path, "sweep", "cifar.yaml");

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Stderr, Does.Contain("CIFAR-10 was not found"));
        Assert.That(Directory.Exists(dir.File("results")), Is.False);
    }

    [TestCase(new[] { "sweep" }, "FILE")]
    [TestCase(new[] { "sweep", "tiny.yaml", "--bogus" }, "bogus")]
    [TestCase(new[] { "frobnicate" }, "frobnicate")]
    [TestCase(new[] { "sweep", "does-not-exist.yaml" }, "does not exist")]
    public void Bad_arguments_exit_2(string[] args, string fragment)
    {
        using var dir = new TempDir();
        dir.Write("tiny.yaml", Tiny);

        CliResult result = SweepCli.Run(dir.Path, args);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Stderr, Does.Contain(fragment));
    }

    [Test]
    public void Report_redraws_figures_from_the_database_into_another_folder()
    {
        using var dir = new TempDir();
        dir.Write("tiny.yaml", Tiny.Replace("[16, 64]", "[50]", StringComparison.Ordinal));
        Assert.That(SweepCli.Run(dir.Path, "sweep", "tiny.yaml", "--no-report").ExitCode, Is.EqualTo(0));
        Assert.That(File.Exists(dir.File("results/train_loss_by_epoch.png")), Is.False);

        CliResult result = SweepCli.Run(dir.Path, "report", "--out", "figures");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(Directory.GetFiles(dir.File("figures"), "*.png"), Has.Length.EqualTo(15));
        Assert.That(File.Exists(dir.File("figures/index.html")) && File.Exists(dir.File("figures/summary.md")), Is.True);
        using var png = new PngImage(dir.File("figures/final_test_accuracy_vs_lr.png"));
        Assert.That(png.InkFraction(), Is.GreaterThan(0.01));
    }

    [Test]
    public void Report_on_a_missing_database_exits_2()
    {
        using var dir = new TempDir();

        CliResult result = SweepCli.Run(dir.Path, "report", "--db", "nope.db", "--out", "figs");

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Stderr, Does.Contain("'nope.db' does not exist"));
        Assert.That(File.Exists(dir.File("nope.db")), Is.False);
    }

    private static SqliteConnection Open(string path)
    {
        var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        return connection;
    }
}
