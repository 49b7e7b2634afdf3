using System.Reflection;
using Sweep.Kernel;
using Sweep.Native;
using Sweep.Spec;
using TorchSharp;
using static TorchSharp.torch;

namespace Sweep.Training;

/// <summary>Resolves the device setting and describes the torch runtime for the records.</summary>
internal static class TorchDevice
{
    public static Device Resolve(string setting) => setting switch
    {
        "cpu" => CPU,
        "cuda" when cuda.is_available() => CUDA,
        "cuda" => throw new SweepInputException(WhyNoCuda()),
        _ => cuda.is_available() ? CUDA : CPU,
    };

    public static bool CudaAvailable => cuda.is_available();

    /// <summary>The device a setting resolves to, by name ("cpu", "cuda"), for the record and for rooms without TorchSharp.</summary>
    public static string NameOf(string setting) => Resolve(setting).type.ToString().ToLowerInvariant();

    /// <summary>The libtorch version, and where it came from when it is not the bundled one.</summary>
    public static string TorchVersion => ExternalLibTorch.Version is { } version ? $"{version} from {ExternalLibTorch.Folder}" : __version__;

    private static string WhyNoCuda() => ExternalLibTorch.Folder switch
    {
        null => "device: cuda was requested but this build's libtorch has no CUDA; on a machine with an NVIDIA GPU set "
            + $"{ExternalLibTorch.Variable} to a CUDA PyTorch's torch/lib folder, or build with -p:TorchBackend=cuda, or use device: cpu or auto.",
        { } folder when !ExternalLibTorch.HasCuda => $"device: cuda was requested but {ExternalLibTorch.Variable}={folder} holds no libtorch_cuda.so (a CPU-only libtorch); point it at a CUDA build's torch/lib, or use device: cpu or auto.",
        { } folder => $"device: cuda was requested and {folder}/libtorch_cuda.so loaded, but it finds no usable GPU (no NVIDIA driver, or CUDA_VISIBLE_DEVICES hides every GPU); check nvidia-smi, or use device: cpu or auto.",
    };

    public static string TorchSharpVersion =>
        typeof(torch).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(torch).Assembly.GetName().Version?.ToString() ?? "unknown";

    /// <summary>
    /// What decides a run's numbers besides its settings, set before it trains: torch's thread count
    /// (process-wide; parallel runs each ask for their share) and, for <c>deterministic: true</c>,
    /// libtorch's deterministic algorithms (on for the rest of the process once a run asks).
    /// </summary>
    public static void Prepare(RunConfig config, int threads, Action<string> warn)
    {
        // at::set_num_threads also rebuilds libtorch's shared pthreadpool (NNPACK convolutions): called
        // while a parallel run's convolution uses that pool, the process died with SIGSEGV (seen once,
        // parallel: 2). Parallel runs ask for the same count, so only a change reaches libtorch, one at a time.
        // The count is compared with the one this process last set, not with get_num_threads(): that
        // answers OpenMP's per-thread setting, so a parallel run's new thread could see another count
        // and rebuild the pool under the other run.
        lock (ThreadCountGate)
        {
            if (_processThreads != threads)
            {
                set_num_threads(threads);
                _processThreads = threads;
            }
        }
        if (config.Deterministic && Native.DeterministicAlgorithms.Enable() is { } why)
        {
            warn($"deterministic: true could not turn on libtorch's deterministic algorithms ({why}); on a CPU the run is still repeatable at the same thread count");
        }
    }

    private static readonly Lock ThreadCountGate = new();

    // The thread count this process last gave libtorch (0: not yet); process-wide like libtorch's own.
    private static int _processThreads;

    /// <summary>
    /// One forward and backward pass of the run's model on two blank images, on the calling thread,
    /// before parallel runs start: what libtorch makes lazily on first use (its thread pools, kernel
    /// and allocator caches) is then made by one thread instead of raced by two. Two parallel runs of
    /// a child process died with SIGSEGV as both began their first step, about once in two full test
    /// runs and never alone; this takes the first step off that race. A failure here is left to the
    /// run itself, which meets it again and records it.
    /// </summary>
    public static void WarmUp(RunConfig config, DatasetInfo data, int threads)
    {
        try
        {
            Prepare(config, threads, _ => { });
            Device device = Resolve(config.Device);
            using var scope = NewDisposeScope();
            using var model = ModelFactory.Create(config, data, device);
            model.train();
            Tensor x = zeros([2, data.Channels, data.Height, data.Width], device: device);
            Tensor y = zeros([2], dtype: ScalarType.Int64, device: device);
            nn.functional.cross_entropy(model.forward(x), y).backward();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The run reports it.
        }
    }

    /// <summary>Threads torch uses for a run: the setting, or one per core when it is 0.</summary>
    public static int ThreadsFor(RunConfig config) => config.Threads > 0 ? config.Threads : Environment.ProcessorCount;
}
