using System.Runtime.InteropServices;

namespace Sweep.Native;

/// <summary>
/// Turns on libtorch's deterministic mode, what PyTorch's <c>torch.use_deterministic_algorithms(True)</c>
/// and <c>torch.backends.cudnn.deterministic = True</c> / <c>benchmark = False</c> do. TorchSharp 0.107
/// declares <c>use_deterministic_algorithms</c> but throws NotImplementedException, so the switches are
/// called on libtorch's global context directly, by their exported C++ names; a libtorch without them
/// is reported, never silently ignored. For CUDA, cuBLAS also needs <c>CUBLAS_WORKSPACE_CONFIG</c> in
/// the native environment before its first handle is made.
/// </summary>
internal static unsafe class DeterministicAlgorithms
{
    private const string SetAlgorithms = "_ZN2at7Context26setDeterministicAlgorithmsEbb";
    private const string GetAlgorithms = "_ZNK2at7Context23deterministicAlgorithmsEv";
    private const string SetCudnnDeterministic = "_ZN2at7Context21setDeterministicCuDNNEb";
    private const string SetCudnnBenchmark = "_ZN2at7Context17setBenchmarkCuDNNEb";

    private static readonly Lock Gate = new();

    /// <summary>
    /// Turns deterministic algorithms on for the rest of the process (libtorch's setting is
    /// process-wide) and returns null, or returns why it could not.
    /// </summary>
    public static string? Enable()
    {
        lock (Gate)
        {
            if (!TryContext(out nint context))
            {
                return "this libtorch does not export its deterministic-algorithms switch";
            }
            // cuBLAS reads this when it creates a handle; .NET's SetEnvironmentVariable does not reach native code.
            if (Environment.GetEnvironmentVariable("CUBLAS_WORKSPACE_CONFIG") is null)
            {
                setenv("CUBLAS_WORKSPACE_CONFIG", ":4096:8", 0);
            }
            SetAlgorithmsTo(context, true);
            if (LibTorch.TryGetExport(SetCudnnDeterministic, out nint cudnn))
            {
                ((delegate* unmanaged[Cdecl]<nint, byte, void>)cudnn)(context, 1);
            }
            if (LibTorch.TryGetExport(SetCudnnBenchmark, out nint benchmark))
            {
                ((delegate* unmanaged[Cdecl]<nint, byte, void>)benchmark)(context, 0);
            }
            return IsEnabled() == true ? null : "libtorch did not keep the deterministic-algorithms setting";
        }
    }

    /// <summary>Turns deterministic algorithms off again (tests restore the process's state with it).</summary>
    public static void Disable()
    {
        lock (Gate)
        {
            if (TryContext(out nint context))
            {
                SetAlgorithmsTo(context, false);
            }
        }
    }

    /// <summary>libtorch's own answer to "are deterministic algorithms on?" (null: it cannot be asked).</summary>
    public static bool? IsEnabled()
    {
        if (!TryContext(out nint context) || !LibTorch.TryGetExport(GetAlgorithms, out nint get))
        {
            return null;
        }
        return ((delegate* unmanaged[Cdecl]<nint, byte>)get)(context) != 0;
    }

    private static bool TryContext(out nint context)
    {
        context = 0;
        return LibTorch.TryGetExport(SetAlgorithms, out _) && LibTorch.TryGetGlobalContext(out context);
    }

    private static void SetAlgorithmsTo(nint context, bool enabled)
    {
        LibTorch.TryGetExport(SetAlgorithms, out nint set);
        ((delegate* unmanaged[Cdecl]<nint, byte, byte, void>)set)(context, enabled ? (byte)1 : (byte)0, 0);
    }

    [DllImport("libc.so.6")]
    private static extern int setenv(string name, string value, int overwrite);
}
