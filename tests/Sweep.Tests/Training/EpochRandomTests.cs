using Sweep.Data;
using Sweep.Training;
using Sweep.Tests.Support;
using static TorchSharp.torch;

namespace Sweep.Tests.Training;

/// <summary>
/// A run's data order and augmentation draws come from a CPU generator whatever the device, so a
/// CUDA run sees the batches of its CPU twin. The draws are PyTorch's own: a seeded CPU generator
/// gives the same permutation, integers and floats in PyTorch as here, which also lets a Python
/// script replay a run's batches.
/// </summary>
public sealed class EpochRandomTests
{
    [Test]
    public void The_draws_are_those_of_a_seeded_CPU_generator_in_PyTorch()
    {
        Python.Require("torch", "python3-torch");
        const ulong seed = 1_000_004;
        var (exit, output) = Python.Run(
            $"import torch\ng = torch.Generator().manual_seed({seed})\n"
            + "print(torch.randperm(3000, generator=g).tolist())\n"
            + "print(torch.randint(0, 9, (40,), generator=g).tolist())\n"
            + "print(['%.9g' % v for v in torch.rand(40, generator=g).tolist()])\n", Environment.CurrentDirectory);
        Assert.That(exit, Is.EqualTo(0), output);
        string[] lines = output.Trim().Split('\n');

        using var scope = NewDisposeScope();
        using var random = new EpochRandom(seed);
        long[] order = random.Permutation(3000, CPU).data<long>().ToArray();
        long[] integers = random.Integers(9, 40, CPU).data<long>().ToArray();
        float[] floats = random.Uniform(40, CPU).data<float>().ToArray();

        Assert.That(List(order), Is.EqualTo(lines[0]));
        Assert.That(List(integers), Is.EqualTo(lines[1]));
        Assert.That("[" + string.Join(", ", floats.Select(f => $"'{((double)f).ToString("G9", System.Globalization.CultureInfo.InvariantCulture)}'")) + "]", Is.EqualTo(lines[2]));
    }

    [Test]
    public void An_epoch_batches_in_the_order_of_its_permutation()
    {
        using var scope = NewDisposeScope();
        DatasetPair data = DatasetLoader.Load("fashion-mnist-mini", null, 100, 20);
        using var images = new ImageTensors(data, CPU);
        using var forBatches = new EpochRandom(77);
        using var forOrder = new EpochRandom(77);
        long[] order = forOrder.Permutation(images.TrainCount, CPU).data<long>().ToArray();

        var labels = images.Batches(32, augment: false, forBatches, CancellationToken.None).SelectMany(b => b.Y.data<long>().ToArray()).ToArray();

        Assert.That(labels, Is.EqualTo(order.Select(i => (long)data.Train.Labels[i]).ToArray()));
    }

    private static string List(long[] values) => "[" + string.Join(", ", values) + "]";
}
