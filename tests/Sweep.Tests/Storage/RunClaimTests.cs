using Dapper;
using Sweep.Kernel;
using Sweep.Planning;
using Sweep.Storage;
using Sweep.Tests.Support;

namespace Sweep.Tests.Storage;

/// <summary>Two workers (two connections, two identities) on one real database file.</summary>
public sealed class RunClaimTests
{
    private static readonly EnvironmentRow Env = new() { Host = "h", Os = "o", Device = "cpu", ThreadCount = 1, TorchVersion = "t", TorchsharpVersion = "ts", DotnetVersion = "d" };

    [Test]
    public void A_live_claim_is_honoured_a_lapsed_one_is_taken_over_and_the_old_holder_can_no_longer_write()
    {
        using var dir = new TempDir();
        SweepPlan plan = SweepPlanner.Parse("name: s\ngrid:\n  lr: [0.1, 0.01]\n", dir.File("s.yaml"));
        string path = dir.File("results.db");
        using var first = ResultsDatabase.OpenForWriting(path);
        using var firstStore = ResultsStore.OpenForWriting(path);
        using var second = ResultsDatabase.OpenForWriting(path);
        using var secondStore = ResultsStore.OpenForWriting(path);
        // Another host: only the lease can tell whether its process lives. Both read one clock the test moves.
        var clock = new ManualClock(new DateTimeOffset(2026, 12, 4, 12, 0, 0, TimeSpan.Zero));
        var a = new RunRepository(firstStore, new WorkerIdentity("host-a", 101, "token-a"), clock);
        var b = new RunRepository(secondStore, new WorkerIdentity("host-b", 202, "token-b"), clock);
        long sweepA = a.StartSweep(plan), sweepB = b.StartSweep(plan);
        long envA = a.RecordEnvironment(sweepA, Env), envB = b.RecordEnvironment(sweepB, Env);
        PlannedRun run = plan.Runs[0];
        TimeSpan lease = TimeSpan.FromSeconds(120);

        ClaimResult claimedByA = a.ClaimRuns(sweepA, envA, [run], "cpu", 1, lease);
        Assert.That(claimedByA.Begun, Is.EqualTo(new[] { run }));
        a.AddEpoch(run.RunId, new EpochMetrics(1, 1, 1, 1, 0.5, 0.1, 1, 100));

        ClaimResult refused = b.ClaimRuns(sweepB, envB, [run, plan.Runs[1]], "cpu", 1, lease);
        Assert.That(refused.Begun, Is.Empty, "all or none: the free run of the item is not taken either");
        Assert.That(refused.Held.Single().Holder, Is.EqualTo(refused.Held.Single().Holder with { Host = "host-a", Pid = 101 }));
        Assert.That(b.Holders([run.RunId])[run.RunId].Host, Is.EqualTo("host-a"));
        Assert.Throws<ClaimLostException>(() => b.AddEpoch(run.RunId, new EpochMetrics(2, 1, 1, 1, 0.5, 0.1, 1, 100)), "b does not hold it");

        clock.Advance(TimeSpan.FromSeconds(119));
        Assert.That(b.ClaimRuns(sweepB, envB, [run], "cpu", 1, lease).Begun, Is.Empty, "a second inside the lease, the claim holds");
        Assert.That(a.Heartbeat([run.RunId]), Is.Empty, "a beats: its claim is fresh again");
        clock.Advance(TimeSpan.FromSeconds(119));
        Assert.That(b.ClaimRuns(sweepB, envB, [run], "cpu", 1, lease).Begun, Is.Empty, "the heartbeat renewed the lease");
        clock.Advance(TimeSpan.FromSeconds(2)); // a stays silent past the lease
        ClaimResult takenOver = b.ClaimRuns(sweepB, envB, [run], "cpu", 1, lease);
        Assert.That(takenOver.Begun, Is.EqualTo(new[] { run }));
        Assert.That(a.Heartbeat([run.RunId]), Is.EqualTo(new[] { run.RunId }), "a learns at its next heartbeat that it lost the run");
        Assert.Throws<ClaimLostException>(() => a.AddEpoch(run.RunId, new EpochMetrics(2, 9, 9, 9, 0.1, 0.1, 1, 100)));
        Assert.Throws<ClaimLostException>(() => a.FinishRun(run.RunId, RunStatus.Failed, null, "late"));

        b.AddEpoch(run.RunId, new EpochMetrics(2, 0.5, 0.5, 0.5, 0.7, 0.1, 1, 100));
        Assert.That(b.Heartbeat([run.RunId]), Is.Empty);
        b.FinishRun(run.RunId, RunStatus.Completed, null, null);
        Assert.That(first.ExecuteScalar<string>("SELECT status || ' ' || coalesce(claim_token, 'released') FROM runs WHERE run_id = @id", new { id = run.RunId }),
            Is.EqualTo("completed released"));
        Assert.That(a.ClaimRuns(sweepA, envA, [run], "cpu", 1, lease).FinishedElsewhere, Is.EqualTo(new[] { run }), "a finished run is not trained again");
        Assert.That(new ReportReads(firstStore).Epochs([run.RunId]).Select(e => e.TrainLoss), Is.EqualTo(new[] { 1.0, 0.5 }));
    }

    [Test]
    public void On_the_same_host_a_claim_whose_process_is_gone_is_taken_over_at_once()
    {
        using var dir = new TempDir();
        SweepPlan plan = SweepPlanner.Parse("name: s\ngrid:\n  lr: [0.1]\n", dir.File("s.yaml"));
        using var connection = ResultsDatabase.OpenForWriting(dir.File("results.db"));
        using var connectionStore = ResultsStore.OpenForWriting(dir.File("results.db"));
        using var exited = System.Diagnostics.Process.Start("true")!;
        exited.WaitForExit();
        var dead = new RunRepository(connectionStore, new WorkerIdentity(Environment.MachineName, exited.Id, "dead"));
        var alive = new RunRepository(connectionStore, new WorkerIdentity(Environment.MachineName, Environment.ProcessId, "alive"));
        long sweep = dead.StartSweep(plan);
        long env = dead.RecordEnvironment(sweep, Env);
        TimeSpan lease = TimeSpan.FromHours(1);

        Assert.That(dead.ClaimRuns(sweep, env, plan.Runs, "cpu", 1, lease).Begun, Has.Count.EqualTo(1));
        Assert.That(alive.ClaimRuns(sweep, env, plan.Runs, "cpu", 1, lease).Begun, Has.Count.EqualTo(1),
            "the holder's process does not exist: no need to wait an hour");
        Assert.That(new RunRepository(connectionStore, new WorkerIdentity(Environment.MachineName, 1, "init")).ClaimRuns(sweep, env, plan.Runs, "cpu", 1, lease).Held,
            Has.Count.EqualTo(1), "a live process (this one) keeps its claim");
    }
}
