using Dapper;
using Sweep.Kernel;
using Sweep.Planning;
using Sweep.Storage;

namespace Sweep.Tests.Support;

/// <summary>A real results database holding one completed run, written through the repository without training (milliseconds).</summary>
internal static class StoredSweep
{
    public const string Yaml = "name: s\ntrain_size: 100\ntest_size: 50\nepochs: 1\ngrid:\n  lr: [0.1]\n";

    /// <summary>Writes s.yaml into <paramref name="dir"/> and a database at <paramref name="db"/> whose run has <paramref name="epochs"/> epochs.</summary>
    public static void Write(TempDir dir, string db, int epochs)
    {
        SweepPlan plan = SweepPlanner.Parse(Yaml, dir.Write("s.yaml", Yaml));
        using var connection = ResultsDatabase.OpenForWriting(db);
        using var connectionStore = ResultsStore.OpenForWriting(db);
        var repository = new RunRepository(connectionStore);
        long sweepId = repository.StartSweep(plan);
        long environmentId = repository.RecordEnvironment(sweepId, new EnvironmentRow { Host = "h", Os = "o", Device = "cpu", ThreadCount = 1, TorchVersion = "t", TorchsharpVersion = "ts", DotnetVersion = "d" });
        string runId = plan.Runs[0].RunId;
        repository.BeginRun(sweepId, environmentId, plan.Runs[0], "cpu", 1);
        using (var tx = connection.BeginTransaction())
        {
            for (int epoch = 1; epoch <= epochs; epoch++)
            {
                connection.Execute(
                    "INSERT INTO epochs (run_id, epoch, train_loss, last_batch_loss, test_loss, test_accuracy, learning_rate, seconds, images_per_second) VALUES (@runId, @epoch, 1, 1, 1, 0.5, 0.1, 1, 100)",
                    new { runId, epoch }, tx);
            }
            tx.Commit();
        }
        repository.FinishRun(runId, RunStatus.Completed, null, null);
    }
}
