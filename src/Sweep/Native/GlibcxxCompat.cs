
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
            if (DynamicLinker.LoadGlobal(path) is { } reason)
            {
                throw new InvalidOperationException($"Could not load {path}: {reason}. Rebuild the project to recreate it.");
            }
            IsActive = true;
        }
    }

    /// <summary>True when the process's libstdc++.so.6 exports the symbol under <see cref="VersionName"/>.</summary>
    public static bool SystemProvidesVersion() => DynamicLinker.HasVersionedSymbol("libstdc++.so.6", ProvidedSymbol, VersionName);
}
