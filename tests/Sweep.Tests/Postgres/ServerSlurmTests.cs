using System.Diagnostics;
using Dapper;
using Sweep.Tests.Support;

namespace Sweep.Tests.Postgres;

/// <summary>Slurm scripts that point every array task at one server: no shards, no merge step.</summary>
public sealed class ServerSlurmTests
{
    [Test]
    public void The_array_tasks_share_the_servers_runs_and_the_follow_up_job_draws_the_report()
    {
        PostgresServer server = PostgresServer.Shared;
        string url = server.NewDatabase();
        using var dir = new TempDir();
        // Halving needs one shared store of decisions, which shards cannot give and a server does.
        dir.Write("s.yaml", "name: array\ntrain_size: 300\ntest_size: 50\nepochs: 2\nthreads: 1\nhalving:\n  min_epochs: 1\n  eta: 2\ngrid:\n  lr: [0.01, 0.003, 0.001, 0.0003]\n");

        CliResult written = SweepCli.Run(dir.Path, "slurm", "s.yaml", "--shards", "2", "--db", url);

        Assert.That(written.ExitCode, Is.EqualTo(0), written.ToString());
        Assert.That(written.Stdout, Does.Contain("4 runs shared by 2 array tasks through " + url));
        string array = File.ReadAllText(dir.File("results/slurm/array.sbatch"));
        Assert.That(array, Does.Contain($"--db '{url}'").And.Not.Contain("--shard"));
        string followUp = File.ReadAllText(dir.File("results/slurm/array-merge.sbatch"));
        Assert.That(followUp, Does.Contain($"report --db '{url}'").And.Not.Contain("merge "));

        // The scripts as Slurm would run them: two array tasks at once, then the follow-up job.
        var tasks = Enumerable.Range(0, 2).Select(i => Bash(dir.Path, dir.File("results/slurm/array.sbatch"), i)).ToList();
        var outputs = tasks.Select(t => t.StandardOutput.ReadToEndAsync()).ToList();
        var errors = tasks.Select(t => t.StandardError.ReadToEndAsync()).ToList();
        foreach (Process t in tasks)
        {
            Assert.That(t.WaitForExit(TimeSpan.FromMinutes(4)), Is.True);
        }
        string log = string.Join("\n---\n", outputs.Select(o => o.Result).Concat(errors.Select(e => e.Result)));
        Assert.That(tasks.Select(t => t.ExitCode), Is.All.EqualTo(0), log);
        using Process report = Bash(dir.Path, dir.File("results/slurm/array-merge.sbatch"), null);
        string reportLog = report.StandardOutput.ReadToEnd() + report.StandardError.ReadToEnd();
        report.WaitForExit();

        Assert.That(report.ExitCode, Is.EqualTo(0), reportLog);
        Assert.That(File.Exists(dir.File("results/index.html")), Is.True);
        using var pg = server.Connect(url);
        Assert.That(pg.ExecuteScalar<long>("SELECT count(*) FROM runs WHERE status IN ('completed', 'pruned')"), Is.EqualTo(4), log);
        Assert.That(pg.ExecuteScalar<long>("SELECT count(DISTINCT decided_at) FROM halving_decisions"), Is.EqualTo(1), "the rung was decided once, by one task");
        Assert.That(pg.ExecuteScalar<long>("SELECT count(*) FROM (SELECT run_id, epoch FROM epochs GROUP BY run_id, epoch HAVING count(*) > 1) twice"), Is.Zero);
    }

    private static Process Bash(string workDir, string script, int? task)
    {
        var start = new ProcessStartInfo("bash", [script]) { WorkingDirectory = workDir, RedirectStandardOutput = true, RedirectStandardError = true };
        if (task is { } i)
        {
            start.Environment["SLURM_ARRAY_TASK_ID"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        return Process.Start(start)!;
    }
}
