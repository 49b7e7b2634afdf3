using Sweep.Tests.Support;
using Sweep.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Sweep.Tests.Training;

public sealed class ModelTests
{
    [Test]
    public void The_seed_cnn_has_the_blogs_parameter_count_on_cifar_shaped_input()
    {
        using var model = new SeedCnn(3, 32, 32, 10, finalRelu: false);

        Assert.That(ModelFactory.ParameterCount(model), Is.EqualTo(9_457_962));
    }

    [TestCase("small-cnn", 1, 28, 28)]
    [TestCase("seed-cnn", 1, 28, 28)]
    [TestCase("seed-cnn", 3, 32, 32)]
    public void Models_produce_one_logit_per_class(string name, int channels, int height, int width)
    {
        using var scope = NewDisposeScope();
        var info = new Sweep.Kernel.DatasetInfo("x", "x", channels, height, width, 10, 100, 10, [0.5f, 0.5f, 0.5f], [0.5f, 0.5f, 0.5f]);
        var config = Plans.OneRun($"model: {name}\ngrid:\n  lr: [0.1]\n");
        using var model = ModelFactory.Create(config, info, CPU);

        Tensor logits = model.forward(randn(4, channels, height, width));

        Assert.That(logits.shape, Is.EqualTo(new long[] { 4, 10 }));
    }

    [Test]
    public void The_final_relu_clips_the_logits_only_when_asked()
    {
        using var scope = NewDisposeScope();
        manual_seed(1);
        using var clipped = new SeedCnn(1, 28, 28, 10, finalRelu: true);
        Tensor x = randn(8, 1, 28, 28);

        Assert.That(clipped.forward(x).min().item<float>(), Is.GreaterThanOrEqualTo(0f));
        manual_seed(1);
        using var plain = new SeedCnn(1, 28, 28, 10, finalRelu: false);
        Assert.That(plain.forward(x).min().item<float>(), Is.LessThan(0f));
    }
}
