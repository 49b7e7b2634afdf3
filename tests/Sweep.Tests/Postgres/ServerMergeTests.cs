using Dapper;
using Sweep.Tests.Support;

namespace Sweep.Tests.Postgres;

/// <summary>merge between a server and files: a server's sweep into a file to mail, and files (shards) into a server.</summary>
public sealed class ServerMergeTests
{
    [Test]
    public void A_servers_sweep_goes_into_a_file_and_from_the_file_into_another_server_unchanged_and_twice_is_once()
    {
        PostgresServer server = PostgresServer.Shared;
        string first = server.NewDatabase(), second = server.NewDatabase();
        using var dir = new TempDir();
        dir.Write("s.yaml", "name: mail\ntrain_size: 300\ntest_size: 50\nepochs: 2\nthreads: 1\ngrid:\n  lr: [0.003, 0.001]\n");
        CliResult sweep = SweepCli.Run(dir.Path, "sweep", "s.yaml", "--db", first, "--no-report");
        CliResult lrFind = SweepCli.Run(dir.Path, "lr-find", "s.yaml", "--db", first, "--steps", "20");
        Assert.That(sweep.ExitCode, Is.EqualTo(0), sweep.ToString());
        Assert.That(lrFind.ExitCode, Is.EqualTo(0), lrFind.ToString());

        CliResult toFile = SweepCli.Run(dir.Path, "merge", first, "--into", "mail.db");
        CliResult report = SweepCli.Run(dir.Path, "report", "--db", "mail.db", "--out", "mail-report");
        CliResult toServer = SweepCli.Run(dir.Path, "merge", "mail.db", "--into", second);
        CliResult again = SweepCli.Run(dir.Path, "merge", "mail.db", "--into", second);

        Assert.That(toFile.ExitCode, Is.EqualTo(0), toFile.ToString());
        Assert.That(toFile.Stdout, Does.Contain("2 runs added"));
        Assert.That(report.ExitCode, Is.EqualTo(0), report.ToString());
        Assert.That(toServer.ExitCode, Is.EqualTo(0), toServer.ToString());
        Assert.That(toServer.Stdout, Does.Contain("2 runs added"));
        Assert.That(again.Stdout, Does.Contain("0 runs added, 0 replaced by a more complete record, 2 already there"), "merging twice changes nothing");
        const string Runs = "SELECT run_id || ' ' || status || ' ' || (SELECT count(*) FROM epochs e WHERE e.run_id = r.run_id) FROM runs r ORDER BY run_id";
        using var a = server.Connect(first);
        using var b = server.Connect(second);
        Assert.That(ResultsFile.Query<string>(dir.File("mail.db"), Runs), Is.EqualTo(a.Query<string>(Runs)));
        Assert.That(b.Query<string>(Runs), Is.EqualTo(a.Query<string>(Runs)));
        Assert.That(b.Query<double>("SELECT test_loss FROM epochs ORDER BY run_id, epoch"), Is.EqualTo(a.Query<double>("SELECT test_loss FROM epochs ORDER BY run_id, epoch")));
        Assert.That(b.ExecuteScalar<long>("SELECT count(*) FROM lr_find_points"), Is.EqualTo(a.ExecuteScalar<long>("SELECT count(*) FROM lr_find_points")).And.GreaterThan(0));
        Assert.That(b.ExecuteScalar<long>("SELECT count(*) FROM sweeps"), Is.EqualTo(1), "the sweep is matched, not copied twice");
        Assert.That(Directory.GetFiles(Path.GetTempPath(), "sweep-server-copy-*"), Is.Empty, "the temporary copy is deleted");
    }
}
