using Dapper;
using Sweep.Kernel;
using Sweep.Planning;
using Sweep.Reporting;
using Sweep.Storage;
using Sweep.Tests.Support;

namespace Sweep.Tests.Storage;

/// <summary>What schema version 4 adds: the stored plan of each sweep and a configuration key that config_summary groups by.</summary>
public sealed class PlansAndConfigurationsTests
{
    private static readonly EnvironmentRow Machine = new() { Host = "h", Os = "o", Device = "cpu", ThreadCount = 2, TorchVersion = "t", TorchsharpVersion = "ts", DotnetVersion = "d" };

    /// <summary>Records every run of the plan as completed with the given final test loss per run index.</summary>
    private static void Complete(RunRepository repository, SweepPlan plan, Func<int, double> testLoss)
    {
        long sweepId = repository.StartSweep(plan);
        long environmentId = repository.RecordEnvironment(sweepId, Machine);
        for (int i = 0; i < plan.Runs.Count; i++)
        {
            PlannedRun run = plan.Runs[i];
            repository.BeginRun(sweepId, environmentId, run, "cpu", 2);
            repository.AddEpoch(run.RunId, new EpochMetrics(1, 1.0, 1.0, testLoss(i), 0.5, 0.1, 1.0, 100));
            repository.FinishRun(run.RunId, RunStatus.Completed, null, null);
        }
    }

    [Test]
    public void Config_summary_never_pools_runs_that_differ_in_a_later_added_setting()
    {
        using var dir = new TempDir();
        SweepPlan plan = Plans.Of("name: s\nrepeats: 2\ngrid:\n  lr_schedule: [constant, cosine]\n", dir.File("s.yaml"));
        using var connection = ResultsDatabase.OpenForWriting(dir.File("results.db"));
        using var connectionStore = ResultsStore.OpenForWriting(dir.File("results.db"));
        Complete(new RunRepository(connectionStore), plan, i => i);

        var rows = connection.Query<(string LrSchedule, long Seeds, double Mean)>(
            "SELECT lr_schedule, seeds, mean_final_test_loss FROM config_summary ORDER BY lr_schedule;").ToList();

        // Runs 0, 1 are constant (seeds 0, 1); runs 2, 3 cosine.
        Assert.That(rows, Is.EqualTo(new[] { ("constant", 2L, 0.5), ("cosine", 2L, 2.5) }));
    }

    [Test]
    public void Runs_recorded_before_the_key_existed_get_the_same_key_as_new_ones()
    {
        using var dir = new TempDir();
        SweepPlan plan = Plans.Of("name: s\nvgg_width: 16\nrepeats: 2\ngrid:\n  lr: [0.1]\n", dir.File("s.yaml"));
        string path = dir.File("results.db");
        using (var connection = ResultsDatabase.OpenForWriting(path))
        using (var connectionStore = ResultsStore.OpenForWriting(path))
        {
            Complete(new RunRepository(connectionStore), plan, i => i);
            connection.Execute("UPDATE runs SET config_key = NULL;"); // as a version-3 database holds them
        }

        using var reopened = ResultsDatabase.OpenForWriting(path);
        using var reopenedStore = ResultsStore.OpenForWriting(path);

        var keys = reopened.Query<string>("SELECT config_key FROM runs;").Distinct().ToList();
        Assert.That(keys, Is.EqualTo(new[] { RunIdentity.ConfigurationKey(plan.Runs[0].Config) }));
        Assert.That(reopened.ExecuteScalar<long>("SELECT seeds FROM config_summary;"), Is.EqualTo(2));
    }

    [Test]
    public void A_sweep_stores_its_whole_plan_even_when_it_trains_one_shard()
    {
        using var dir = new TempDir();
        SweepPlan plan = Plans.Of("name: s\ngrid:\n  lr: [0.1, 0.01, 0.001]\n", dir.File("s.yaml"));
        SweepPlan shard = ShardPlanner.ShardOf(plan, new ShardSpec(0, 3));
        using var connection = ResultsDatabase.OpenForWriting(dir.File("results.db"));
        using var connectionStore = ResultsStore.OpenForWriting(dir.File("results.db"));
        var repository = new RunRepository(connectionStore);

        repository.StartSweep(shard);

        Assert.That(shard.Runs, Has.Count.EqualTo(1));
        Assert.That(new ReportReads(connectionStore).PlannedRunCount("s"), Is.EqualTo(3));
        Assert.That(connection.Query<string>("SELECT run_id FROM sweep_plan ORDER BY position;"), Is.EqualTo(plan.Runs.Select(r => r.RunId)));
        Assert.That(connection.ExecuteScalar<string>("SELECT varying_settings FROM sweeps;"), Is.EqualTo("lr"));
    }

    [Test]
    public void A_report_counts_runs_not_started_from_the_stored_plan_and_says_when_an_old_database_has_none()
    {
        using var dir = new TempDir();
        SweepPlan plan = Plans.Of("name: s\ngrid:\n  lr: [0.1, 0.01, 0.001]\n", dir.File("s.yaml"));
        using var connection = ResultsDatabase.OpenForWriting(dir.File("results.db"));
        using var connectionStore = ResultsStore.OpenForWriting(dir.File("results.db"));
        var repository = new RunRepository(connectionStore);
        Complete(repository, plan with { Runs = plan.Runs.Take(1).ToList(), WholePlanRunIds = plan.PlannedRunIds }, i => 1);
        File.Delete(dir.File("s.yaml")); // the report must not need the sweep file

        var reads = new ReportReads(connectionStore);
        var withPlan = Verdict.Of(ReportData.Read(reads, "s"), reads.PlannedRunCount("s"));
        connection.Execute("DELETE FROM sweep_plan;"); // what a version-3 database holds
        var withoutPlan = Verdict.Of(ReportData.Read(reads, "s"), reads.PlannedRunCount("s"));

        Assert.That(withPlan[0], Does.Contain("the sweep file plans 3 runs, so 2 have not started"));
        Assert.That(withoutPlan[0], Does.Contain("written before Sweep stored each sweep's plan"));
    }
}
