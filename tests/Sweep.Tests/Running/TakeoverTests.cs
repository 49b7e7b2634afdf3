using Dapper;
using Microsoft.Data.Sqlite;
using Sweep.Kernel;
using Sweep.Planning;
using Sweep.Running;
using Sweep.Tests.Support;

namespace Sweep.Tests.Running;

/// <summary>A worker that wakes after another took its run over, whatever it was doing when it woke.</summary>
public sealed class TakeoverTests
{
    [Test]
    public void An_error_met_after_the_run_was_taken_over_is_reported_as_the_takeover_not_as_a_failure()
    {
        using var dir = new TempDir();
        const string yaml = "name: woken\ntrain_size: 100\ntest_size: 50\nepochs: 3\ngrid:\n  lr: [0.01]\n";
        SweepPlan plan = SweepPlanner.Parse(yaml, dir.Write("s.yaml", yaml));
        string db = dir.File("results.db");
        var output = new StringWriter();
        var progress = new OtherWorkerFinishesAfterFirstEpoch(new PlainProgress(output), db);

        SweepOutcome outcome = new SweepRunner(progress).Run(plan, db, CancellationToken.None);

        Assert.That((outcome.Completed, outcome.Failed.Count, outcome.ByOtherWorkers), Is.EqualTo((0, 0, 1)), output.ToString());
        Assert.That(output.ToString(), Does.Contain("another worker took over").And.Contain("finished by another worker")
            .And.Not.Contain("failed"));
        using var connection = new SqliteConnection($"Data Source={db};Pooling=False");
        Assert.That(connection.QuerySingle<(string, string?)>("SELECT status, error FROM runs"), Is.EqualTo(("completed", (string?)null)),
            "the other worker's ending stands");
        Assert.That(connection.ExecuteScalar<long>("SELECT count(*) FROM epochs"), Is.EqualTo(1), "nothing written after the takeover");
        Assert.That(Directory.GetFiles(new OutputLayout(db).CheckpointFolder), Is.Empty, "the checkpoint the woken worker left beside the finished run is deleted");
    }

    [Test]
    public void A_heartbeat_that_finds_runs_lost_after_they_ended_marks_them_without_throwing()
    {
        var held = new HeldRuns(["r"], CancellationToken.None, _ => { });
        held.Dispose();

        Assert.DoesNotThrow(held.MarkLost, "the heartbeat began before the runs ended and reports afterwards");
        Assert.That(held.Lost, Is.True);
    }

    /// <summary>
    /// Plays the other worker: once the first epoch is committed it finishes the run in the database,
    /// leaves a stale checkpoint, then fails like a woken worker's checkpoint write whose temporary
    /// file the new holder deleted.
    /// </summary>
    private sealed class OtherWorkerFinishesAfterFirstEpoch(ISweepProgress inner, string db) : ISweepProgress
    {
        public void SweepStarting(SweepPlan plan, int toTrain, int alreadyDone, string databasePath) => inner.SweepStarting(plan, toTrain, alreadyDone, databasePath);

        public void RunStarting(RunTicket run) => inner.RunStarting(run);

        public void RunResumed(RunTicket run, int epoch) => inner.RunResumed(run, epoch);

        public void Warning(string message) => inner.Warning(message);

        public void Info(string message) => inner.Info(message);

        public void Batch(RunTicket run, int epoch, int batch, int batches, double overallFraction, TimeSpan? remaining)
        {
        }

        public void EpochFinished(RunTicket run, EpochMetrics metrics, TimeSpan? remaining)
        {
            inner.EpochFinished(run, metrics, remaining);
            using (var connection = new SqliteConnection($"Data Source={db};Pooling=False"))
            {
                connection.Execute("UPDATE runs SET status = 'completed', claim_token = NULL, claim_host = NULL, claim_pid = NULL, heartbeat_at = NULL");
            }
            // What a woken worker leaves when it finishes writing a checkpoint after the new holder deleted its own.
            string checkpoint = Path.Combine(new OutputLayout(db).CheckpointFolder, run.Run.RunId + ".ckpt");
            Directory.CreateDirectory(Path.GetDirectoryName(checkpoint)!);
            File.WriteAllText(checkpoint, "stale");
            throw new FileNotFoundException("Could not find file 'checkpoints/x.ckpt.123.tmp'");
        }

        public void RunFinished(RunTicket run, RunStatus status, string? message) => inner.RunFinished(run, status, message);
    }
}
