using Sweep.Data;
using Sweep.Spec;
using Sweep.Tests.Support;
using Sweep.Training;

namespace Sweep.Tests.Training;

public sealed class TrainerTests
{
    private static RunConfig Config(string yaml) => Plans.OneRun(yaml);

    private static (RunResult, EpochLog) Train(RunConfig config)
    {
        DatasetPair data = DatasetLoader.Load(config.Dataset, null, config.TrainSize, config.TestSize);
        var recorder = new EpochLog();
        return (new Trainer().Train(config, data, recorder, CancellationToken.None), recorder);
    }

    [Test]
    public void Training_lowers_the_loss_and_beats_chance_on_real_images()
    {
        var (result, recorder) = Train(Config("train_size: 600\ntest_size: 200\nepochs: 3\ngrid:\n  lr: [0.003]\n  batch_size: [32]\n"));

        Assert.That(result.Outcome, Is.EqualTo(RunOutcome.Completed));
        Assert.That(recorder.Epochs.Select(e => e.Epoch), Is.EqualTo(new[] { 1, 2, 3 }));
        Assert.That(recorder.Batches, Is.EqualTo(3 * 19), "600 images in batches of 32, the last one partial");
        Assert.That(recorder.Epochs[^1].TrainLoss, Is.LessThan(recorder.Epochs[0].TrainLoss));
        Assert.That(recorder.Epochs[^1].TestAccuracy, Is.GreaterThan(0.5), "chance is 0.1");
        Assert.That(recorder.Epochs.All(e => e.ImagesPerSecond > 0 && e.Seconds > 0 && e.LearningRate == 0.003));
    }

    [Test]
    public void A_last_batch_of_one_image_is_left_out_so_batch_norm_keeps_finite_statistics()
    {
        // 41 images in batches of 8: five batches and one image over. VGG's deepest batch norm sees
        // one value per channel from a batch of one image, and libtorch then records a NaN variance.
        var (result, recorder) = Train(Config("model: vgg\nvgg_width: 8\ntrain_size: 41\ntest_size: 50\nepochs: 2\nthreads: 1\ngrid:\n  lr: [0.003]\n  batch_size: [8]\n"));

        Assert.That(result.Outcome, Is.EqualTo(RunOutcome.Completed));
        Assert.That(recorder.Batches, Is.EqualTo(2 * 5), "40 of the 41 images, a different one left out each epoch");
        Assert.That(recorder.Epochs.Select(e => e.TestLoss), Is.All.Matches<double>(double.IsFinite));
    }

    [Test]
    public void Deterministic_runs_of_one_configuration_are_bit_identical()
    {
        RunConfig config = Config("train_size: 300\ntest_size: 100\nepochs: 2\naugment: true\ndeterministic: true\ngrid:\n  lr: [0.001]\n  batch_size: [16]\n");

        var (_, first) = Train(config);
        var (_, second) = Train(config);

        Assert.That(second.Epochs.Select(e => (e.TrainLoss, e.LastBatchLoss, e.TestLoss, e.TestAccuracy)),
            Is.EqualTo(first.Epochs.Select(e => (e.TrainLoss, e.LastBatchLoss, e.TestLoss, e.TestAccuracy))));
    }

    [Test]
    public void Another_seed_gives_other_numbers()
    {
        var (_, a) = Train(Config("train_size: 200\ntest_size: 100\nepochs: 1\nseed: 1\ngrid:\n  lr: [0.001]\n"));
        var (_, b) = Train(Config("train_size: 200\ntest_size: 100\nepochs: 1\nseed: 2\ngrid:\n  lr: [0.001]\n"));

        Assert.That(a.Epochs[0].TrainLoss, Is.Not.EqualTo(b.Epochs[0].TrainLoss));
    }

    [Test]
    public void A_huge_learning_rate_is_reported_as_diverged_not_a_crash()
    {
        var (result, recorder) = Train(Config("optimizer: sgd\ntrain_size: 200\ntest_size: 50\nepochs: 5\ngrid:\n  lr: [1000000]\n  batch_size: [20]\n"));

        Assert.That(result.Outcome, Is.EqualTo(RunOutcome.Diverged));
        Assert.That(result.DivergedAtEpoch, Is.EqualTo(1));
        Assert.That(recorder.Epochs, Has.Count.EqualTo(1), "stops at the epoch where it diverged");
        Assert.That(result.Message, Does.Contain("training loss"));
    }

    [Test]
    public void Cancellation_stops_at_the_next_step()
    {
        RunConfig config = Config("train_size: 600\ntest_size: 100\nepochs: 50\ngrid:\n  lr: [0.001]\n  batch_size: [16]\n");
        DatasetPair data = DatasetLoader.Load(config.Dataset, null, config.TrainSize, config.TestSize);
        using var cancel = new CancellationTokenSource();
        var observer = new EpochLog { AfterBatch = n => CancelAt(n, 5, cancel) };

        Assert.Throws<OperationCanceledException>(() => new Trainer().Train(config, data, observer, cancel.Token));
        Assert.That(observer.Batches, Is.EqualTo(5));
    }

    private static void CancelAt(int batch, int at, CancellationTokenSource cancel)
    {
        if (batch == at)
        {
            cancel.Cancel();
        }
    }
}
