using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Sweep.Native;

/// <summary>
/// Loads the libstdc++ compatibility library that the build places next to the app on systems
/// whose libstdc++ lacks GLIBCXX_3.4.32 (see build/GlibcxxCompat.targets). It must be loaded
/// with RTLD_GLOBAL before TorchSharp's native library, so this runs as a module initializer.
/// </summary>
public static class GlibcxxCompat
{
    public const string LibraryName = "libsweep_glibcxx_compat.so";

    private const int RtldNow = 0x2;
    private const int RtldGlobal = 0x100;
    private static readonly Lock Gate = new();
    private static bool _loaded;

    /// <summary>True when the compatibility library was found and loaded.</summary>
    public static bool IsActive { get; private set; }

    [ModuleInitializer]
    internal static void LoadAtStartup() => EnsureLoaded();

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
            if (!File.Exists(path))
            {
                return; // The system libstdc++ is new enough; the build left no shim.
            }
            if (dlopen(path, RtldNow | RtldGlobal) == IntPtr.Zero)
            {
                string reason = Marshal.PtrToStringAnsi(dlerror()) ?? "unknown error";
                throw new InvalidOperationException($"Could not load {path}: {reason}. Rebuild the project to recreate it.");
            }
            IsActive = true;
        }
    }

    // libdl.so.2 exists on every glibc: the real one before 2.34, a forwarding stub after.
    [DllImport("libdl.so.2", CharSet = CharSet.Ansi, BestFitMapping = false)]
    private static extern IntPtr dlopen(string fileName, int flags);

    [DllImport("libdl.so.2")]
    private static extern IntPtr dlerror();
}
