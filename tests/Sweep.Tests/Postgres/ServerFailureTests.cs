using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Dapper;
using Sweep.Tests.Cli;
using Sweep.Tests.Support;

namespace Sweep.Tests.Postgres;

/// <summary>What a user sees when the server, the address or the credentials are wrong, or the server goes away mid-sweep.</summary>
public sealed class ServerFailureTests
{
    private const string OneRun = "name: bad\ntrain_size: 200\ntest_size: 50\nepochs: 1\nthreads: 1\ngrid:\n  lr: [0.001]\n";

    /// <summary>Runs the CLI with PGPASSWORD set as given (or unset), never inherited from the test's environment.</summary>
    private static CliResult Run(string dir, string? password, params string[] args)
    {
        var environment = new Dictionary<string, string> { ["PGPASSWORD"] = password ?? "", ["PGPASSFILE"] = Path.Combine(dir, "no-passfile") };
        using Process process = SweepCli.Start(dir, environment, args);
        Task<string> stdout = process.StandardOutput.ReadToEndAsync(), stderr = process.StandardError.ReadToEndAsync();
        Assert.That(process.WaitForExit(TimeSpan.FromMinutes(2)), Is.True, "finishes in seconds, not minutes");
        return new CliResult(process.ExitCode, stdout.Result, stderr.Result);
    }

    private static void OneLineInputError(CliResult result, string expected)
    {
        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        var lines = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.Length.EqualTo(1), result.ToString());
        Assert.That(lines[0], Does.StartWith("error: ").And.Contain(expected));
    }

    [Test]
    public void Nothing_listening_at_the_address_is_one_line_naming_it()
    {
        using var dir = new TempDir();
        dir.Write("s.yaml", OneRun);
        int port = ClosedPort();
        OneLineInputError(Run(dir.Path, null, "sweep", "s.yaml", "--db", $"postgresql://sweep@127.0.0.1:{port}/results"),
            $"cannot reach the PostgreSQL server at 127.0.0.1:{port} (connection refused");
    }

    [Test]
    public void A_wrong_or_missing_password_is_one_line_and_the_password_is_never_printed()
    {
        PostgresServer server = PostgresServer.Shared;
        using var dir = new TempDir();
        dir.Write("s.yaml", OneRun);
        string url = server.Url("postgres", user: "guarded");

        CliResult wrong = Run(dir.Path, "not-the-password", "sweep", "s.yaml", "--db", url);
        CliResult missing = Run(dir.Path, null, "report", "--db", url);
        CliResult inUrl = Run(dir.Path, null, "sweep", "s.yaml", "--db", $"postgresql://guarded:right@127.0.0.1:{server.Port}/postgres");

        OneLineInputError(wrong, $"127.0.0.1:{server.Port} refused user 'guarded' for database 'postgres': wrong password");
        Assert.That(wrong.Stdout + wrong.Stderr, Does.Not.Contain("not-the-password"));
        OneLineInputError(missing, "wants a password for user 'guarded'; set PGPASSWORD");
        OneLineInputError(inUrl, "put the password in PGPASSWORD or ~/.pgpass, not in the URL");
        Assert.That(inUrl.Stdout + inUrl.Stderr, Does.Not.Contain(":right@"));
    }

    [Test]
    public void The_right_password_from_PGPASSWORD_opens_the_database()
    {
        PostgresServer server = PostgresServer.Shared;
        string url = server.NewDatabase();
        string database = url[(url.LastIndexOf('/') + 1)..];
        using (var admin = server.Connect(server.Url(database)))
        {
            admin.Execute("GRANT ALL ON SCHEMA public TO guarded;");
        }
        using var dir = new TempDir();
        dir.Write("s.yaml", OneRun);
        CliResult result = Run(dir.Path, "right", "sweep", "s.yaml", "--db", server.Url(database, user: "guarded") + "?sslmode=disable", "--no-report");
        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
    }

    [Test]
    public void A_missing_database_a_foreign_one_and_a_mistyped_scheme_are_refused_and_nothing_is_written()
    {
        PostgresServer server = PostgresServer.Shared;
        using var dir = new TempDir();
        dir.Write("s.yaml", OneRun);
        string foreign = server.NewDatabase();
        using (var pg = server.Connect(foreign))
        {
            pg.Execute("CREATE TABLE invoices (id integer);");
        }

        OneLineInputError(Run(dir.Path, null, "sweep", "s.yaml", "--db", server.Url("no_such_db")),
            $"the database 'no_such_db' does not exist on the PostgreSQL server at 127.0.0.1:{server.Port}");
        OneLineInputError(Run(dir.Path, null, "sweep", "s.yaml", "--db", foreign), "holds tables that are not Sweep's (such as invoices)");
        OneLineInputError(Run(dir.Path, null, "report", "--db", server.NewDatabase()), "holds no Sweep results yet");
        OneLineInputError(Run(dir.Path, null, "sweep", "s.yaml", "--db", $"postgresq://sweep@127.0.0.1:{server.Port}/x"), "'postgresq' is not a database Sweep knows");
        OneLineInputError(Run(dir.Path, null, "sweep", "s.yaml", "--db", $"postgresql://sweep@127.0.0.1:{server.Port}/"), "names no database");
        OneLineInputError(Run(dir.Path, null, "sweep", "s.yaml", "--db", foreign + "?timeout=1"), "the only option read after '?' is sslmode=");
        OneLineInputError(Run(dir.Path, null, "sweep", "s.yaml", "--db", foreign + "?sslmode=require"), $"127.0.0.1:{server.Port}");
        OneLineInputError(Run(dir.Path, null, "sweep", "s.yaml", "--db", "postgresql://sweep@127.0.0.1:99999/x"), "is not a URL of the form");

        using var check = server.Connect(foreign);
        Assert.That(check.Query<string>("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"), Is.EqualTo(new[] { "invoices" }));
        Assert.That(Directory.Exists(dir.File("postgresq:")), Is.False, "a mistyped URL is never a file path");
    }

    [Test]
    public void A_server_that_goes_away_stops_the_worker_with_one_line_and_the_sweep_resumes_when_it_is_back()
    {
        using PostgresServer server = PostgresServer.StartOwn();
        string url = server.NewDatabase();
        using var dir = new TempDir();
        dir.Write("s.yaml", "name: gone\ntrain_size: 1500\ntest_size: 100\nepochs: 6\nthreads: 1\ngrid:\n  lr: [0.001]\n");
        using (var pg = server.Connect(url))
        {
            using Process worker = SweepCli.Start(dir.Path, "sweep", "s.yaml", "--db", url, "--no-report");
            Task<string> stdout = worker.StandardOutput.ReadToEndAsync(), stderr = worker.StandardError.ReadToEndAsync();
            ResumeTests.WaitFor(() => ServerSweepTests.CountOrZero(pg, "SELECT count(*) FROM epochs") >= 2, worker, "two epochs on the server");
            server.Kill();
            Assert.That(worker.WaitForExit(TimeSpan.FromMinutes(2)), Is.True, "the worker stops");

            Assert.That(worker.ExitCode, Is.EqualTo(1), stdout.Result + stderr.Result);
            var errors = stderr.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.That(errors, Has.Length.EqualTo(1), stderr.Result);
            Assert.That(errors[0], Does.StartWith($"error: lost the PostgreSQL server at 127.0.0.1:{server.Port}/").And.Contain("run the same command again"));
        }

        server.Restart();
        using (var pg = server.Connect(url))
        {
            long stored = pg.ExecuteScalar<long>("SELECT count(*) FROM epochs");
            Assert.That(pg.Query<long>("SELECT epoch FROM epochs ORDER BY epoch"), Is.EqualTo(Enumerable.Range(1, (int)stored).Select(e => (long)e)), "whole epochs only");
        }
        CliResult again = SweepCli.Run(dir.Path, "sweep", "s.yaml", "--db", url, "--no-report");
        Assert.That(again.ExitCode, Is.EqualTo(0), again.ToString());
        using var after = server.Connect(url);
        Assert.That(after.ExecuteScalar<string>("SELECT status FROM runs"), Is.EqualTo("completed"));
        Assert.That(after.Query<long>("SELECT epoch FROM epochs ORDER BY epoch"), Is.EqualTo(Enumerable.Range(1, 6).Select(e => (long)e)));
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port; // closed again when the listener is disposed
    }
}
