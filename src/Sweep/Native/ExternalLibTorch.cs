using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;

namespace Sweep.Native;

/// <summary>
/// Runs TorchSharp on a libtorch the machine already has — typically the one inside PyTorch's
/// wheel, which brings CUDA where NuGet's TorchSharp-cuda-linux cannot be restored:
/// <c>SWEEP_LIBTORCH=…/site-packages/torch/lib</c>. Its libraries are loaded with RTLD_GLOBAL before
/// TorchSharp's own native library, whose dependencies and lookups by name then find them already
/// loaded. The app must be built without a libtorch of its own (-p:TorchBackend=external): two
/// copies in one process abort on libtorch's operator registry. A version TorchSharp 0.107 was not
/// built for is refused before anything is loaded; <see cref="Problem"/> says why.
/// </summary>
public static partial class ExternalLibTorch
{
    public const string Variable = "SWEEP_LIBTORCH";

    /// <summary>libtorch versions (major.minor) whose symbols TorchSharp 0.107's native library resolves (2.10 built, 2.11 measured with ldd -r).</summary>
    public static readonly string[] Supported = ["2.10", "2.11"];

    // Dependency order: each library's own dependencies load first.
    private static readonly string[] LoadOrder = ["libc10.so", "libc10_cuda.so", "libtorch_cpu.so", "libtorch_cuda.so", "libtorch.so"];
    private static readonly HashSet<string> Loaded = new(StringComparer.Ordinal);

    /// <summary>The folder loaded from, when SWEEP_LIBTORCH was set and accepted.</summary>
    public static string? Folder { get; private set; }

    /// <summary>The loaded libtorch's version, as its distribution states it (e.g. 2.11.0+cu130).</summary>
    public static string? Version { get; private set; }

    /// <summary>True when the folder holds libtorch_cuda.so and it loaded.</summary>
    public static bool HasCuda => Loaded.Contains("libtorch_cuda.so");

    /// <summary>Why SWEEP_LIBTORCH could not be used (one sentence: what, which path, how to fix); null when unset or loaded.</summary>
    public static string? Problem { get; private set; }

    [ModuleInitializer]
    internal static void LoadAtStartup()
    {
        GlibcxxCompat.EnsureLoaded(); // first: the shim, where this system needs it, comes before any libtorch
        string? folder = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(folder) || !OperatingSystem.IsLinux())
        {
            return;
        }
        Problem = Load(Path.GetFullPath(folder));
    }

    /// <summary>One line for the user: what was loaded, from where, and whether it can drive a GPU.</summary>
    public static string? Describe() => Folder is null ? null
        : $"libtorch {Version} from {Folder} ({Variable}){(HasCuda ? ", with CUDA" : ", CPU only (no libtorch_cuda.so there)")}";

    private static string? Load(string folder)
    {
        if (!Directory.Exists(folder))
        {
            return $"{Variable}={folder} is not a folder; point it at the lib folder of a libtorch or of PyTorch's package (python3 -c 'import torch, os; print(os.path.join(os.path.dirname(torch.__file__), \"lib\"))'), or unset it to use the bundled CPU libtorch.";
        }
        if (!File.Exists(Path.Combine(folder, "libtorch_cpu.so")))
        {
            return $"{Variable}={folder} holds no libtorch_cpu.so; point it at the lib folder of a libtorch or of PyTorch's package (…/site-packages/torch/lib), or unset it to use the bundled CPU libtorch.";
        }
        if (BundledLibTorch() is { } bundled)
        {
            return $"{Variable} is set, but this build of Sweep carries its own libtorch ({bundled}) and two libtorches cannot share one process; build with -p:TorchBackend=external (benchmarks/gpu/pack.sh does), or unset {Variable}.";
        }
        string? version = ReadVersion(folder);
        if (version is null)
        {
            return $"{Variable}={folder}: cannot tell which libtorch version this is (no ../version.py of a PyTorch package, no ../build-version of a libtorch archive); Sweep runs only on libtorch {string.Join(" or ", Supported)}.";
        }
        if (!Supported.Any(s => version == s || version.StartsWith(s + ".", StringComparison.Ordinal) || version.StartsWith(s + "+", StringComparison.Ordinal)))
        {
            return $"{Variable}={folder} holds libtorch {version}, which TorchSharp 0.107 cannot run on; install PyTorch {string.Join(" or ", Supported)} (pip install 'torch>=2.10,<2.12') and point {Variable} at its torch/lib, or unset it to use the bundled CPU libtorch.";
        }
        foreach (string name in LoadOrder)
        {
            string path = Path.Combine(folder, name);
            if (!File.Exists(path))
            {
                continue;
            }
            if (DynamicLinker.LoadGlobal(path) is { } reason)
            {
                return $"{Variable}: could not load {path} ({reason}); check that the CUDA driver and the libraries beside it match, or unset {Variable}.";
            }
            Loaded.Add(name);
        }
        Folder = folder;
        Version = version;
        return null;
    }

    /// <summary>
    /// The libtorch the build copied beside the app, if any. TorchSharp looks libtorch up by name
    /// in the app's folders first (NativeLibrary.TryLoad, which no resolver intercepts) and would
    /// load that copy as a second libtorch; with none there, its lookup finds the one loaded above.
    /// </summary>
    private static string? BundledLibTorch() =>
        new[] { Path.Combine(AppContext.BaseDirectory, "libtorch_cpu.so"), Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libtorch_cpu.so") }
            .FirstOrDefault(File.Exists);

    /// <summary>The version a PyTorch package (torch/version.py) or a libtorch archive (build-version) states.</summary>
    internal static string? ReadVersion(string libFolder)
    {
        string parent = Path.GetDirectoryName(libFolder.TrimEnd('/')) ?? libFolder;
        string pythonVersion = Path.Combine(parent, "version.py");
        if (File.Exists(pythonVersion) && new FileInfo(pythonVersion).Length < 64 * 1024)
        {
            Match match = PythonVersion().Match(File.ReadAllText(pythonVersion));
            if (match.Success)
            {
                return match.Groups[1].Value;
            }
        }
        string buildVersion = Path.Combine(parent, "build-version");
        if (File.Exists(buildVersion) && new FileInfo(buildVersion).Length < 1024)
        {
            string text = File.ReadAllText(buildVersion).Trim();
            return text.Length > 0 ? text : null;
        }
        return null;
    }

    [GeneratedRegex(@"^__version__\s*=\s*['""]([^'""]+)['""]", RegexOptions.Multiline)]
    private static partial Regex PythonVersion();
}
