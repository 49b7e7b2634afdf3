using System.Runtime.InteropServices;

namespace Sweep.Native;

/// <summary>
/// Loads the libstdc++ compatibility library that the build places next to the app on systems
/// whose libstdc++ lacks GLIBCXX_3.4.32 (see build/GlibcxxCompat.targets). It must be loaded
/// with RTLD_GLOBAL before TorchSharp's native library, so <see cref="ExternalLibTorch"/>'s module initializer calls it first.
/// Whether it is needed is decided again here, at run time: a build made on Debian 12 and copied
/// to a newer system (a GPU machine) must use that system's real symbol, not the stub.
/// </summary>
public static class GlibcxxCompat
{
    public const string LibraryName = "libsweep_glibcxx_compat.so";
    public const string VersionName = "GLIBCXX_3.4.32";
    private const string ProvidedSymbol = "_ZSt21ios_base_library_initv"; // std::ios_base_library_init()

    private const int RtldNow = 0x2;
    private const int RtldGlobal = 0x100;
    private static readonly Lock Gate = new();
    private static bool _loaded;

    /// <summary>True when the compatibility library was found and loaded.</summary>
    public static bool IsActive { get; private set; }

    public static void EnsureLoaded()
    {
        lock (Gate)
        {
            if (_loaded || !OperatingSystem.IsLinux())
            {
                return;
            }
            _loaded = true;
            string path = Path.Combine(AppContext.BaseDirectory, LibraryName);
            if (!File.Exists(path) || SystemProvidesVersion())
            {
                return; // The system libstdc++ is new enough: no shim, or one built elsewhere.
            }
            if (dlopen(path, RtldNow | RtldGlobal) == IntPtr.Zero)
            {
                string reason = Marshal.PtrToStringAnsi(dlerror()) ?? "unknown error";
                throw new InvalidOperationException($"Could not load {path}: {reason}. Rebuild the project to recreate it.");
            }
            IsActive = true;
        }
    }

    /// <summary>True when the process's libstdc++.so.6 exports the symbol under <see cref="VersionName"/>.</summary>
    public static bool SystemProvidesVersion()
    {
        IntPtr library = dlopen("libstdc++.so.6", RtldNow);
        return library != IntPtr.Zero && dlvsym(library, ProvidedSymbol, VersionName) != IntPtr.Zero;
    }

    // libdl.so.2 exists on every glibc: the real one before 2.34, a forwarding stub after.
    [DllImport("libdl.so.2", CharSet = CharSet.Ansi, BestFitMapping = false)]
    private static extern IntPtr dlopen(string fileName, int flags);

    [DllImport("libdl.so.2")]
    private static extern IntPtr dlerror();

    [DllImport("libdl.so.2", CharSet = CharSet.Ansi, BestFitMapping = false)]
    private static extern IntPtr dlvsym(IntPtr handle, string symbol, string version);
}
