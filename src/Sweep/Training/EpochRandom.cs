using TorchSharp;
using static TorchSharp.torch;

namespace Sweep.Training;

/// <summary>
/// Every random draw of one epoch's data pipeline (shuffle order, crop offsets, flips), made on
/// the CPU from a generator seeded by the run's seed and the epoch, then moved to the run's
/// device. A CUDA run therefore sees exactly the batches of its CPU twin, and no generator ever
/// meets a CUDA factory call: TorchSharp 0.107 makes every generator on the CPU whatever device it
/// is given, libtorch refuses a CPU generator for a CUDA draw, and TorchSharp then hands back an
/// uninitialised tensor handle instead of throwing (the first GPU run crashed on it).
/// This is the only class that passes a generator to a torch factory (a rule test checks it).
/// </summary>
internal sealed class EpochRandom : IDisposable
{
    private readonly Generator _generator;

    public EpochRandom(ulong seed)
    {
        _generator = new Generator(seed, CPU);
    }

    /// <summary>A random order of 0 … n−1 (int64) on <paramref name="device"/>.</summary>
    public Tensor Permutation(long n, Device device) =>
        OnDevice(randperm(n, dtype: int64, device: CPU, generator: _generator), device);

    /// <summary><paramref name="count"/> integers drawn uniformly from 0 … high−1 (int64) on <paramref name="device"/>.</summary>
    public Tensor Integers(long high, long count, Device device) =>
        OnDevice(randint(0, high, [count], dtype: int64, device: CPU, generator: _generator), device);

    /// <summary><paramref name="count"/> floats drawn uniformly from [0, 1) on <paramref name="device"/>.</summary>
    public Tensor Uniform(long count, Device device) =>
        OnDevice(rand([count], device: CPU, generator: _generator), device);

    public void Dispose() => _generator.Dispose();

    private static Tensor OnDevice(Tensor drawn, Device device)
    {
        // TorchSharp checks libtorch's last error only when a handle is null; a draw that failed
        // inside libtorch must stop here, not at the next operation on a bad handle.
        CheckForErrors();
        if (device.type == DeviceType.CPU)
        {
            return drawn;
        }
        using (drawn)
        {
            return drawn.to(device);
        }
    }
}
