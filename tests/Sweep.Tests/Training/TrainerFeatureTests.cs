using System.Diagnostics;
using Sweep.Data;
using Sweep.Spec;
using Sweep.Tests.Support;
using Sweep.Training;

namespace Sweep.Tests.Training;

public sealed class TrainerFeatureTests
{
    /// <summary>Trains the file's one run; <paramref name="residentBytes"/> gets the process's working set after each epoch.</summary>
    private static EpochLog Train(string yaml, List<long>? residentBytes = null)
    {
        RunConfig config = Plans.OneRun(yaml);
        DatasetPair data = DatasetLoader.Load(DataRequest.For(config));
        var log = new EpochLog
        {
            AfterEpoch = _ =>
            {
                using var self = Process.GetCurrentProcess();
                residentBytes?.Add(self.WorkingSet64);
            },
        };
        new Trainer().Train(config, data, log, CancellationToken.None);
        return log;
    }

    [Test]
    public void Each_epoch_records_the_learning_rate_it_trained_with()
    {
        var recorder = Train("train_size: 100\ntest_size: 20\nepochs: 3\nlr_schedule: step\nstep_size: 1\ngamma: 0.5\ngrid:\n  lr: [0.01]\n");

        Assert.That(recorder.Epochs.Select(e => e.LearningRate), Is.EqualTo(new[] { 0.01, 0.005, 0.0025 }));
    }

    [TestCase("vgg", "vgg_depth: 11\nvgg_width: 8\n")]
    [TestCase("small-cnn", "optimizer: sgd\nnesterov: true\nmomentum: 0.9\n")]
    [TestCase("small-cnn", "optimizer: adamw\nweight_decay: 0.01\n")]
    public void Models_and_optimizers_train(string model, string extra)
    {
        var recorder = Train($"model: {model}\n{extra}train_size: 600\ntest_size: 200\nepochs: 3\ngrid:\n  lr: [0.01]\n  batch_size: [32]\n");

        // Learning, not just running: the loss falls clearly and the test accuracy is far above chance (10%).
        Assert.That(recorder.Epochs[^1].TrainLoss, Is.LessThan(recorder.Epochs[0].TrainLoss * 0.9));
        Assert.That(recorder.Epochs[^1].TestAccuracy, Is.GreaterThan(0.4));
        Assert.That(recorder.Epochs.All(e => double.IsFinite(e.TestLoss)));
    }

    [Test]
    public void Vgg_depths_have_the_expected_number_of_convolutions()
    {
        foreach (var (depth, convolutions) in new[] { ("11", 8), ("13", 10), ("16", 13), ("19", 16) })
        {
            using var model = new VggNet(3, 32, 32, 10, depth, 8);
            Assert.That(model.modules().Count(m => m is TorchSharp.Modules.Conv2d), Is.EqualTo(convolutions), $"VGG-{depth}");
        }
    }
}
