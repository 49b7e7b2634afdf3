using Sweep.Tests.Support;
using Sweep.Native;
using Sweep.Training;
using static TorchSharp.torch;

namespace Sweep.Tests.Training;

/// <summary>The two speed measures under every training step: channels-last activations and glibc's heap kept warm.</summary>
public sealed class MemoryLayoutTests
{
    [Test]
    public void Channels_last_keeps_shape_and_values_and_puts_channels_innermost()
    {
        using var x = arange(2 * 3 * 4 * 5, dtype: float32).view(2, 3, 4, 5);
        using Tensor last = ChannelsLast.Of(x);

        Assert.That(last.shape, Is.EqualTo(x.shape));
        Assert.That(last.stride(), Is.EqualTo(new long[] { 60, 1, 15, 3 }));
        Assert.That((last - x).abs().max().item<float>(), Is.Zero);
    }

    [Test]
    public void A_model_computes_the_same_in_channels_last_as_its_plain_layer_chain()
    {
        manual_seed(5);
        using var model = new SmallCnn(1, 28, 28, 10);
        using var x = rand(4, 1, 28, 28);
        using var noGrad = no_grad();

        using Tensor fast = model.forward(x);
        Tensor plain = x;
        foreach (var layer in model.Layers)
        {
            plain = layer.forward(plain);
        }
        Assert.That((fast - plain).abs().max().item<float>(), Is.LessThan(1e-5));
    }

    [Test]
    public void Glibc_accepts_the_heap_settings()
    {
        Requirement.Platform(OperatingSystem.IsLinux() && Environment.GetEnvironmentVariable("SWEEP_DEFAULT_MALLOC") != "1",
            "glibc's malloc tuning applies on Linux, unless SWEEP_DEFAULT_MALLOC=1 turns it off");
        System.Runtime.CompilerServices.RuntimeHelpers.RunModuleConstructor(typeof(MallocTuning).Module.ModuleHandle);
        Assert.That(MallocTuning.IsActive, Is.True, "mallopt refused M_MMAP_THRESHOLD 32 MiB, M_TRIM_THRESHOLD 512 MiB or M_MMAP_MAX 0");
    }
}
