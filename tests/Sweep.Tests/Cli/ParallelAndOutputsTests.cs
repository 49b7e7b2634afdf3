using Sweep.Tests.Support;
using static TorchSharp.torch;

namespace Sweep.Tests.Cli;

public sealed class ParallelAndOutputsTests
{
    [Test]
    public void Parallel_runs_all_finish_and_write_one_consistent_database()
    {
        using var dir = new TempDir();
        dir.Write("s.yaml", "parallel: 2\nrepeats: 2\ntrain_size: 200\ntest_size: 50\nepochs: 2\ngrid:\n  lr: [0.01, 0.001]\n");

        CliResult result = SweepCli.Run(dir.Path, "sweep", "s.yaml");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        string db = dir.File("results/results.db");
        Assert.That(ResultsFile.Scalar<long>(db, "SELECT count(*) FROM runs WHERE status = 'completed'"), Is.EqualTo(4));
        Assert.That(ResultsFile.Scalar<long>(db, "SELECT count(*) FROM epochs"), Is.EqualTo(8));
        Assert.That(ResultsFile.Scalar<long>(db, "SELECT max(used_threads) FROM runs"), Is.EqualTo(Math.Max(1, Environment.ProcessorCount / 2)));
        var summary = ResultsFile.Query<(double Lr, long Seeds, double Mean, double Std)>(db,
            "SELECT lr, seeds, mean_final_test_loss, std_final_test_loss FROM config_summary ORDER BY lr");
        Assert.That(summary.Select(s => (s.Lr, s.Seeds)), Is.EqualTo(new[] { (0.001, 2L), (0.01, 2L) }));
        Assert.That(summary.Select(s => s.Std), Is.All.GreaterThan(0), "two seeds give two different losses");
    }

    [Test]
    public void Save_model_writes_final_weights_that_load_into_the_model()
    {
        using var dir = new TempDir();
        dir.Write("s.yaml", "save_model: true\ntrain_size: 100\ntest_size: 50\nepochs: 2\ngrid:\n  lr: [0.003]\n");

        CliResult result = SweepCli.Run(dir.Path, "sweep", "s.yaml", "--no-report");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        string runId = ResultsFile.Scalar<string>(dir.File("results/results.db"), "SELECT run_id FROM runs");
        string weights = dir.File($"results/models/{runId}.pt");
        double recorded = ResultsFile.Scalar<double>(dir.File("results/results.db"), "SELECT final_test_accuracy FROM runs");
        using var images = new Sweep.Training.ImageTensors(Sweep.Data.DatasetLoader.Load("fashion-mnist-mini", null, 100, 50), TorchSharp.torch.CPU);
        using var fresh = new Sweep.Training.SmallCnn(1, 28, 28, 10);
        using var model = new Sweep.Training.SmallCnn(1, 28, 28, 10);
        model.load(weights);

        // The saved weights are the trained ones: they reproduce the recorded test accuracy, which fresh weights do not.
        double reloaded = Sweep.Training.Evaluation.Run(model, 1, x => model.forward(x).unsqueeze(0), images).Accuracy[0];
        double untrained = Sweep.Training.Evaluation.Run(fresh, 1, x => fresh.forward(x).unsqueeze(0), images).Accuracy[0];
        Assert.That(reloaded, Is.EqualTo(recorded));
        Assert.That(untrained, Is.Not.EqualTo(recorded));
    }
}
