using System.Runtime.InteropServices;

namespace Sweep.Native;

/// <summary>
/// glibc's dynamic linker, for the libraries that must be loaded with RTLD_GLOBAL before
/// TorchSharp's native library (NativeLibrary.Load loads them local): the libstdc++ shim and an
/// outside libtorch. libdl.so.2 exists on every glibc: the real one before 2.34, a stub after.
/// </summary>
internal static class DynamicLinker
{
    private const int RtldNow = 0x2;
    private const int RtldGlobal = 0x100;

    /// <summary>Loads <paramref name="path"/> with its symbols visible to every later library; null when loaded, else the linker's reason.</summary>
    public static string? LoadGlobal(string path) =>
        dlopen(path, RtldNow | RtldGlobal) != IntPtr.Zero ? null : Marshal.PtrToStringAnsi(dlerror()) ?? "unknown error";

    /// <summary>True when the library the process would get for <paramref name="name"/> exports <paramref name="symbol"/> under <paramref name="version"/>.</summary>
    public static bool HasVersionedSymbol(string name, string symbol, string version)
    {
        IntPtr library = dlopen(name, RtldNow);
        return library != IntPtr.Zero && dlvsym(library, symbol, version) != IntPtr.Zero;
    }

    [DllImport("libdl.so.2", CharSet = CharSet.Ansi, BestFitMapping = false)]
    private static extern IntPtr dlopen(string fileName, int flags);

    [DllImport("libdl.so.2")]
    private static extern IntPtr dlerror();

    [DllImport("libdl.so.2", CharSet = CharSet.Ansi, BestFitMapping = false)]
    private static extern IntPtr dlvsym(IntPtr handle, string symbol, string version);
}
