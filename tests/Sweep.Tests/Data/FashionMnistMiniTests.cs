using Sweep.Tests.Support;
using Sweep.Data;

namespace Sweep.Tests.Data;

public sealed class FashionMnistMiniTests
{
    [Test]
    public void The_embedded_set_is_class_balanced_and_interleaved()
    {
        DatasetPair mini = DatasetLoader.Load("fashion-mnist-mini", null, null, null);

        Assert.That(mini.Train.Count, Is.EqualTo(6000));
        Assert.That(mini.Test.Count, Is.EqualTo(1000));
        Assert.That(mini.Train.Pixels, Has.Length.EqualTo(6000 * 28 * 28));
        Assert.That(mini.Train.Labels.GroupBy(l => l).Select(g => g.Count()), Is.All.EqualTo(600));
        Assert.That(mini.Test.Labels.GroupBy(l => l).Select(g => g.Count()), Is.All.EqualTo(100));
        Assert.That(mini.Train.Labels.Take(20), Is.EqualTo(Enumerable.Range(0, 20).Select(i => (byte)(i % 10))));
    }

    [Test]
    public void Train_size_takes_a_balanced_prefix()
    {
        DatasetPair mini = DatasetLoader.Load("fashion-mnist-mini", null, 50, 20);

        Assert.That(mini.Train.Count, Is.EqualTo(50));
        Assert.That(mini.Test.Count, Is.EqualTo(20));
        Assert.That(mini.Train.Labels.GroupBy(l => l).Select(g => g.Count()), Is.All.EqualTo(5));
    }

    [Test]
    public void Rebuilding_from_the_Debian_package_gives_the_embedded_images()
    {
        Requirement.Installed(File.Exists(Path.Combine(DatasetLoader.DebianFashionMnistDir, "train-images-idx3-ubyte.gz")),
            $"Debian's dataset-fashion-mnist is not installed ({DatasetLoader.DebianFashionMnistDir}; apt-get install dataset-fashion-mnist)");
        DatasetPair full = DatasetLoader.Load("fashion-mnist", null, null, null);
        var (train, test) = FashionMnistMini.Build(full.Train, full.Test);
        DatasetPair embedded = DatasetLoader.Load("fashion-mnist-mini", null, null, null);

        Assert.That(full.Train.Count, Is.EqualTo(60000));
        Assert.That(full.Test.Count, Is.EqualTo(10000));
        Assert.That(train.Pixels, Is.EqualTo(embedded.Train.Pixels));
        Assert.That(train.Labels, Is.EqualTo(embedded.Train.Labels));
        Assert.That(test.Pixels, Is.EqualTo(embedded.Test.Pixels));
        Assert.That(test.Labels, Is.EqualTo(embedded.Test.Labels));
    }

    [Test]
    public void A_missing_data_set_names_every_place_looked_and_how_to_get_it()
    {
        var error = Assert.Throws<Sweep.Kernel.SweepInputException>(
            () => DatasetLoader.Load("cifar10", "/nonexistent/data", null, null))!;

        Assert.That(error.Message, Does.Contain("/nonexistent/data/cifar-10-batches-bin"));
        Assert.That(error.Message, Does.Contain("set data_dir"));
    }
}
