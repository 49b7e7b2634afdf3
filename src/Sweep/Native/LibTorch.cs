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

    /// <summary>libtorch's process-wide <c>at::globalContext()</c>, where its switches live; false when this libtorch does not export it.</summary>
    public static unsafe bool TryGetGlobalContext(out nint context)
    {
        context = 0;
        if (!TryGetExport("_ZN2at13globalContextEv", out nint global))
        {
            return false;
        }
        context = ((delegate* unmanaged[Cdecl]<nint>)global)();
        return context != 0;
    }
}
