using System.Diagnostics;
using System.Text.RegularExpressions;
using Dapper;
using Sweep.Tests.Cli;
using Sweep.Tests.Support;

namespace Sweep.Tests.Postgres;

/// <summary>Sweeps, reports and exports against a real PostgreSQL server, through the real CLI.</summary>
public sealed partial class ServerSweepTests
{
    private const string Grid = "name: server\ntrain_size: 600\ntest_size: 100\nepochs: 2\nthreads: 1\ngrid:\n  lr: [0.003, 0.001, 0.0003]\n  batch_size: [16, 32]\n";

    [Test]
    public void A_sweep_on_the_server_stores_what_a_file_stores_and_the_report_and_exports_read_it()
    {
        PostgresServer server = PostgresServer.Shared;
        string url = server.NewDatabase();
        using var dir = new TempDir();
        dir.Write("s.yaml", Grid);

        CliResult onServer = SweepCli.Run(dir.Path, "sweep", "s.yaml", "--db", url, "--live-every", "1");
        CliResult onFile = SweepCli.Run(dir.Path, "sweep", "s.yaml", "--db", "file/results.db", "--no-report");
        CliResult report = SweepCli.Run(dir.Path, "report", "--db", url, "--out", "report");
        CliResult csv = SweepCli.Run(dir.Path, "export", "csv", "--db", url, "--out", "csv");
        CliResult fileCsv = SweepCli.Run(dir.Path, "export", "csv", "--db", "file/results.db", "--out", "file-csv");
        CliResult compare = SweepCli.Run(dir.Path, "compare", url, "file/results.db", "--out", "compare");
        CliResult plan = SweepCli.Run(dir.Path, "plan", "s.yaml", "--db", url);

        Assert.That(onServer.ExitCode, Is.EqualTo(0), onServer.ToString());
        Assert.That(onServer.Stdout, Does.Contain("6 completed").And.Contain($"results in {url}"));
        Assert.That(onServer.Stdout, Does.Contain("report:").And.Contain(Path.Combine(dir.Path, "results")), "the report of a server sweep goes to results/ here");
        Assert.That(File.Exists(dir.File("results/index.html")), Is.True);
        Assert.That(onFile.ExitCode, Is.EqualTo(0), onFile.ToString());
        Assert.That(report.ExitCode, Is.EqualTo(0), report.ToString());
        Assert.That(File.Exists(dir.File("report/index.html")), Is.True);
        Assert.That(csv.ExitCode, Is.EqualTo(0), csv.ToString());
        Assert.That(compare.ExitCode, Is.EqualTo(0), compare.ToString());
        Assert.That(plan.ExitCode, Is.EqualTo(0), plan.ToString());
        Assert.That(plan.Stdout, Does.Contain("6 already finished"), plan.ToString());
        using var pg = server.Connect(url);
        var serverRuns = pg.Query<(string, string, long)>("SELECT r.run_id, r.status, (SELECT count(*) FROM epochs e WHERE e.run_id = r.run_id) FROM runs r ORDER BY r.run_id").ToList();
        var fileRuns = ResultsFile.Query<(string, string, long)>(dir.File("file/results.db"),
            "SELECT r.run_id, r.status, (SELECT count(*) FROM epochs e WHERE e.run_id = r.run_id) FROM runs r ORDER BY r.run_id");
        Assert.That(serverRuns, Is.EqualTo(fileRuns), "the same runs, ids, endings and epochs");
        string Columns(string file) => string.Join('\n', File.ReadAllLines(dir.File(file)).Select(l => string.Join(',', l.Split(',').Take(3))));
        Assert.That(Columns("csv/runs.csv"), Is.EqualTo(Columns("file-csv/runs.csv")), "exports list the same runs in the same order");
        Assert.That(onServer.Stdout + onServer.Stderr, Does.Not.Contain("PGPASSWORD").And.Not.Contain("Password"));
    }

    [TestCase(2)]
    [TestCase(3)]
    public void Workers_on_one_server_train_each_run_exactly_once(int workers)
    {
        PostgresServer server = PostgresServer.Shared;
        string url = server.NewDatabase();
        using var dir = new TempDir();
        dir.Write("s.yaml", Grid);

        var processes = Enumerable.Range(0, workers).Select(_ => SweepCli.Start(dir.Path, "sweep", "s.yaml", "--db", url, "--no-report")).ToList();
        var outputs = processes.Select(p => (Out: p.StandardOutput.ReadToEndAsync(), Err: p.StandardError.ReadToEndAsync())).ToList();
        foreach (Process p in processes)
        {
            Assert.That(p.WaitForExit(TimeSpan.FromMinutes(4)), Is.True);
        }

        string all = string.Join("\n---\n", outputs.Select(o => o.Out.Result + o.Err.Result));
        Assert.That(processes.Select(p => p.ExitCode), Is.All.EqualTo(0), all);
        var trained = outputs.SelectMany(o => CompletedRuns().Matches(o.Out.Result).Select(m => m.Groups[1].Value)).ToList();
        Assert.That(trained, Is.Unique.And.Count.EqualTo(6), all);
        Assert.That(outputs.Count(o => CompletedRuns().IsMatch(o.Out.Result)), Is.GreaterThan(1), "more than one worker trained: " + all);
        using var pg = server.Connect(url);
        Assert.That(pg.ExecuteScalar<long>("SELECT count(*) FROM runs WHERE status = 'completed' AND claim_token IS NULL"), Is.EqualTo(6));
        Assert.That(pg.ExecuteScalar<long>("SELECT count(*) FROM epochs"), Is.EqualTo(12), "2 epochs per run, none twice");
        Assert.That(pg.ExecuteScalar<long>("SELECT count(*) FROM runs WHERE resumed_from_epoch IS NOT NULL"), Is.EqualTo(0), "no run was taken from a live worker");
    }

    [Test]
    public void A_worker_killed_mid_run_is_taken_over_and_nothing_is_lost()
    {
        PostgresServer server = PostgresServer.Shared;
        string url = server.NewDatabase();
        using var dir = new TempDir();
        dir.Write("s.yaml", "name: killed\ntrain_size: 1500\ntest_size: 100\nepochs: 6\nthreads: 1\ngrid:\n  lr: [0.001, 0.0003]\n");
        using var pg = server.Connect(url);

        using Process a = SweepCli.Start(dir.Path, "sweep", "s.yaml", "--db", url, "--no-report");
        ResumeTests.WaitFor(() => CountOrZero(pg, "SELECT count(*) FROM epochs") >= 2, a, "two epochs on the server");
        a.Kill(); // kill -9: no goodbye, the claim stays
        a.WaitForExit();
        Assert.That(Count(pg, "SELECT count(*) FROM runs WHERE status = 'running'"), Is.EqualTo(1), "the killed worker's run is still claimed");
        var before = pg.Query<(string, long, double)>("SELECT run_id, epoch, train_loss FROM epochs ORDER BY run_id, epoch").ToList();

        using Process b = SweepCli.Start(dir.Path, "sweep", "s.yaml", "--db", url, "--no-report");
        using Process c = SweepCli.Start(dir.Path, "sweep", "s.yaml", "--db", url, "--no-report");
        Task<string> outB = b.StandardOutput.ReadToEndAsync(), outC = c.StandardOutput.ReadToEndAsync();
        Task<string> errB = b.StandardError.ReadToEndAsync(), errC = c.StandardError.ReadToEndAsync();
        Assert.That(b.WaitForExit(TimeSpan.FromMinutes(4)) && c.WaitForExit(TimeSpan.FromMinutes(4)), Is.True);

        Assert.That((b.ExitCode, c.ExitCode), Is.EqualTo((0, 0)), $"{outB.Result}{errB.Result}\n{outC.Result}{errC.Result}");
        Assert.That(Count(pg, "SELECT count(*) FROM runs WHERE status = 'completed'"), Is.EqualTo(2));
        Assert.That(pg.Query<long>("SELECT count(*) FROM epochs GROUP BY run_id"), Is.EqualTo(new long[] { 6, 6 }), "every epoch once");
        var kept = pg.Query<(string, long, double)>("SELECT run_id, epoch, train_loss FROM epochs ORDER BY run_id, epoch").ToList();
        long resumed = Count(pg, "SELECT coalesce(max(resumed_from_epoch), 0) FROM runs");
        Assert.That(resumed, Is.GreaterThanOrEqualTo(1), "resumed from the killed worker's checkpoint");
        Assert.That(kept.Where(e => e.Item2 <= resumed).Intersect(before).Count(), Is.EqualTo(before.Count(e => e.Item2 <= resumed)),
            "the epochs before the checkpoint are kept as the killed worker wrote them");
    }

    private static long Count(Npgsql.NpgsqlConnection pg, string sql) => pg.ExecuteScalar<long>(sql);

    /// <summary>0 until the first worker has created the tables.</summary>
    internal static long CountOrZero(Npgsql.NpgsqlConnection pg, string sql)
    {
        try
        {
            return Count(pg, sql);
        }
        catch (Npgsql.PostgresException ex) when (ex.SqlState == "42P01")
        {
            return 0;
        }
    }

    [GeneratedRegex(@"^\[run \d+/\d+\] (.+): completed$", RegexOptions.Multiline)]
    private static partial Regex CompletedRuns();
}
