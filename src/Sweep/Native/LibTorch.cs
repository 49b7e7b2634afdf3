using System.Runtime.InteropServices;

namespace Sweep.Native;

/// <summary>libtorch_cpu, for the functions TorchSharp does not expose (called by their exported C++ names).</summary>
internal static class LibTorch
{
    /// <summary>The export's address in the libtorch_cpu that TorchSharp loaded, or false when there is none.</summary>
    public static bool TryGetExport(string name, out nint address)
    {
        address = 0;
        // TorchSharp has loaded libtorch_cpu by the time a run trains; this finds that same copy.
        return (NativeLibrary.TryLoad("libtorch_cpu.so", typeof(TorchSharp.torch).Assembly, null, out nint library)
                || NativeLibrary.TryLoad("libtorch_cpu.so", out library))
            && NativeLibrary.TryGetExport(library, name, out address);
    }
}
