using System.Reflection;
using Sweep.Kernel;
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
        "cuda" => throw new SweepInputException(
            "device: cuda was requested but no CUDA device is available to this build; use device: cpu or auto, or build with -p:TorchBackend=cuda on a machine with an NVIDIA GPU."),
        _ => cuda.is_available() ? CUDA : CPU,
    };

    public static bool CudaAvailable => cuda.is_available();

    public static string TorchVersion => __version__;

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
        set_num_threads(threads);
        if (config.Deterministic && Native.DeterministicAlgorithms.Enable() is { } why)
        {
            warn($"deterministic: true could not turn on libtorch's deterministic algorithms ({why}); on a CPU the run is still repeatable at the same thread count");
        }
    }

    /// <summary>Threads torch uses for a run: the setting, or one per core when it is 0.</summary>
    public static int ThreadsFor(RunConfig config) => config.Threads > 0 ? config.Threads : Environment.ProcessorCount;
}
