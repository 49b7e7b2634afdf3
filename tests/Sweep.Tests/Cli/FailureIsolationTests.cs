using Sweep.Planning;
using Sweep.Tests.Support;

namespace Sweep.Tests.Cli;

/// <summary>One bad run never takes the sweep down with it.</summary>
public sealed class FailureIsolationTests
{
    [Test]
    public void A_diverging_run_is_recorded_as_diverged_and_the_sweep_goes_on()
    {
        using var dir = new TempDir();
        dir.Write("s.yaml", "optimizer: sgd\ntrain_size: 200\ntest_size: 50\nepochs: 3\ngrid:\n  lr: [1000000, 0.01]\n  batch_size: [20]\n");

        CliResult result = SweepCli.Run(dir.Path, "sweep", "s.yaml");

        Assert.That(result.ExitCode, Is.EqualTo(0), "diverged is a result, not a failure\n" + result);
        Assert.That(result.Stdout, Does.Contain("1 completed, 1 diverged, 0 failed"));
        var runs = ResultsFile.Query<(double Lr, string Status, long? DivergedAtEpoch)>(dir.File("results/results.db"),
            "SELECT lr, status, diverged_at_epoch FROM runs ORDER BY lr");
        Assert.That(runs, Is.EqualTo(new (double, string, long?)[] { (0.01, "completed", null), (1000000, "diverged", 1) }));
        Assert.That(File.Exists(dir.File("results/final_test_loss_vs_lr.png")), Is.True, "the report still draws");
    }

    [Test]
    public void A_run_that_throws_is_marked_failed_the_others_finish_and_the_exit_code_is_1()
    {
        using var dir = new TempDir();
        string file = dir.Write("s.yaml", "train_size: 100\ntest_size: 50\nepochs: 2\ngrid:\n  lr: [0.01, 0.001, 0.0001]\n");
        string victim = SweepPlanner.Load(file).Runs[1].RunId;
        // A folder where the run's checkpoint file must go: writing it fails for that run only.
        Directory.CreateDirectory(dir.File($"results/checkpoints/{victim}.ckpt/blocker"));

        CliResult result = SweepCli.Run(dir.Path, "sweep", "s.yaml");

        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(result.Stdout, Does.Contain("2 completed, 0 diverged, 1 failed"));
        Assert.That(result.Stdout, Does.Contain($"failed: {victim} lr=1e-3"));
        var runs = ResultsFile.Query<(string RunId, string Status, string? Error)>(dir.File("results/results.db"), "SELECT run_id, status, error FROM runs");
        Assert.That(runs.Single(r => r.RunId == victim).Status, Is.EqualTo("failed"));
        Assert.That(runs.Single(r => r.RunId == victim).Error, Is.Not.Empty);
        Assert.That(runs.Where(r => r.RunId != victim).Select(r => r.Status), Is.All.EqualTo("completed"));
    }

    [Test]
    public void Out_of_memory_from_torch_is_explained_with_what_to_change()
    {
        var config = Plans.OneRun("grid:\n  batch_size: [256]\n");
        Exception? oom = null;
        try
        {
            using var huge = TorchSharp.torch.empty(1L << 45);
        }
        catch (Exception ex)
        {
            oom = ex;
        }

        Assert.That(oom, Is.Not.Null, "allocating 128 TiB must fail");
        string message = Sweep.Running.FailureMessage.For(oom!, config, parallel: 2);
        Assert.That(message, Does.StartWith("out of memory on auto at batch_size 256 with small-cnn"));
        Assert.That(message, Does.Contain("try a smaller batch_size, a smaller model or a lower --parallel"));
    }
}
