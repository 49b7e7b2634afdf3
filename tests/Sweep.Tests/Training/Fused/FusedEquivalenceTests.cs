using Sweep.Data;
using Sweep.Kernel;
using Sweep.Spec;
using Sweep.Tests.Support;
using Sweep.Training.Fused;
using Sweep.Training;

namespace Sweep.Tests.Training.Fused;

/// <summary>K runs trained fused give what the same K runs give one by one (same initial weights, same batches).</summary>
public sealed class FusedEquivalenceTests
{
    /// <summary>Relative tolerance on every per-epoch loss and accuracy: float rounding of grouped vs separate kernels.</summary>
    public const double Tolerance = 1e-4;

    /// <summary>
    /// Relative tolerance on a final loss after several epochs. The grouped convolution sums its
    /// weight gradients in another order than a lone model's, and training amplifies such
    /// last-bit differences, faster at higher learning rates: in the CLI test (Adam, batch 16)
    /// the lr 0.01 run agrees within 2e-6 for two epochs, 2e-4 after three and 1.6e-2 (test
    /// loss) after four. Two thread counts give the same kind of drift for unfused runs.
    /// </summary>
    public const double DriftTolerance = 5e-2;

    private static IReadOnlyList<RunConfig> Runs(string yaml) => Plans.Runs(yaml);

    [TestCase("small-cnn", "adam", "augment: true\n")]
    [TestCase("small-cnn", "sgd", "momentum: 0.9\nnesterov: true\nweight_decay: 0.0005\n")]
    [TestCase("small-cnn", "adamw", "weight_decay: 0.01\nlr_schedule: cosine\n")]
    [TestCase("seed-cnn", "adam", "")]
    [TestCase("vgg", "sgd", "vgg_width: 4\nmomentum: 0.5\n")]
    public void Fused_runs_match_separate_runs(string model, string optimizer, string extra)
    {
        string lrs = model == "seed-cnn" ? "[0.001, 0.0003, 0.0001]" : "[0.01, 0.003, 0.001]"; // the 9.5 M-parameter net diverges at 1e-2
        var configs = Runs($"model: {model}\noptimizer: {optimizer}\n{extra}train_size: 200\ntest_size: 100\nepochs: 2\ngrid:\n  lr: {lrs}\n  seed: [1, 2]\n");
        DatasetPair data = DatasetLoader.Load(DataRequest.For(configs[0]));
        const long dataSeed = 7;

        var fused = configs.Select(_ => new EpochLog()).ToList();
        var results = new FusedTrainer().Train(configs, data, fused, CancellationToken.None, new FusedOptions(2, dataSeed));

        Assert.That(results.Select(r => r.Outcome), Is.All.EqualTo(RunOutcome.Completed));
        for (int i = 0; i < configs.Count; i++)
        {
            var alone = new EpochLog();
            new Trainer().Train(configs[i], data, alone, CancellationToken.None, new TrainerOptions(2, DataSeed: dataSeed));
            for (int e = 0; e < alone.Epochs.Count; e++)
            {
                EpochMetrics a = alone.Epochs[e], f = fused[i].Epochs[e];
                Assert.That(f.TrainLoss, Is.EqualTo(a.TrainLoss).Within(Math.Abs(a.TrainLoss) * Tolerance), $"run {i} epoch {e + 1} train loss");
                Assert.That(f.TestLoss, Is.EqualTo(a.TestLoss).Within(Math.Abs(a.TestLoss) * Tolerance), $"run {i} epoch {e + 1} test loss");
                Assert.That(f.TestAccuracy, Is.EqualTo(a.TestAccuracy).Within(0.011), $"run {i} epoch {e + 1} accuracy (one image of 100)");
                Assert.That(f.LearningRate, Is.EqualTo(a.LearningRate).Within(1e-9));
            }
        }
    }

    [Test]
    public void A_diverging_slice_is_frozen_and_the_others_go_on()
    {
        var configs = Runs("optimizer: sgd\ntrain_size: 200\ntest_size: 50\nepochs: 3\ngrid:\n  lr: [1000000, 0.01]\n  batch_size: [20]\n");
        DatasetPair data = DatasetLoader.Load(DataRequest.For(configs[0]));
        var observers = configs.Select(_ => new EpochLog()).ToList();

        var results = new FusedTrainer().Train(configs, data, observers, CancellationToken.None, new FusedOptions(2, 0));

        Assert.That(results[0].Outcome, Is.EqualTo(RunOutcome.Diverged));
        Assert.That(results[0].DivergedAtEpoch, Is.EqualTo(1));
        Assert.That(observers[0].Epochs, Has.Count.EqualTo(1));
        Assert.That(results[1].Outcome, Is.EqualTo(RunOutcome.Completed));
        Assert.That(observers[1].Epochs.Select(e => e.TrainLoss), Is.All.Matches<double>(double.IsFinite));
        Assert.That(observers[1].Epochs, Has.Count.EqualTo(3));
    }

    [Test]
    public void Native_memory_stays_flat_across_the_epochs_of_a_pack()
    {
        var configs = Runs("train_size: 300\ntest_size: 100\nepochs: 10\naugment: true\nbatch_size: 16\ngrid:\n  lr: [0.01, 0.001, 0.0001]\n");
        DatasetPair data = DatasetLoader.Load(DataRequest.For(configs[0]));
        var observers = configs.Select(_ => new EpochLog()).ToList();
        var resident = new List<long>();
        observers[0].AfterEpoch = _ =>
        {
            using var self = System.Diagnostics.Process.GetCurrentProcess();
            resident.Add(self.WorkingSet64);
        };

        new FusedTrainer().Train(configs, data, observers, CancellationToken.None, new FusedOptions(2, 0));

        Assert.That(resident, Has.Count.EqualTo(10));
        Assert.That(resident[9], Is.LessThanOrEqualTo(resident[1] * 1.05 + 16 * 1024 * 1024),
            $"RSS grew from {resident[1] / 1048576} MiB after epoch 2 to {resident[9] / 1048576} MiB after epoch 10");
    }
}
