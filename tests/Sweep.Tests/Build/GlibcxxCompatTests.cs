using System.Diagnostics;
using Sweep.Native;
using static TorchSharp.torch;

namespace Sweep.Tests.Build;

/// <summary>The automatic fix that lets TorchSharp 0.107 load on a libstdc++ older than GCC 13's.</summary>
public sealed class GlibcxxCompatTests
{
    private static readonly string OutputLibrary = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");

    [Test]
    public void TorchSharp_loads_and_computes()
    {
        using var scope = NewDisposeScope();

        Assert.That(ones(3, 3).sum().item<float>(), Is.EqualTo(9f));
        Assert.That(__version__, Does.StartWith("2.10"));
    }

    [Test]
    public void The_build_marks_the_version_weak_in_the_copy_only_where_the_system_needs_it()
    {
        bool systemHasIt = SystemLibstdcxxHas("GLIBCXX_3.4.32");
        string copied = VersionNeedLine(OutputLibrary);
        string original = VersionNeedLine(Path.Combine(NuGetPackages(), "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so"));

        Assert.That(original, Does.Not.Contain("WEAK"), "the NuGet cache must never be modified");
        if (systemHasIt)
        {
            Assert.That(copied, Does.Not.Contain("WEAK"));
            Assert.That(File.Exists(Path.Combine(AppContext.BaseDirectory, GlibcxxCompat.LibraryName)), Is.False);
        }
        else
        {
            Assert.That(copied, Does.Contain("WEAK"));
            Assert.That(GlibcxxCompat.IsActive, Is.True, "the shim was loaded before TorchSharp");
        }
    }

    [Test]
    public void The_shim_is_loaded_exactly_when_the_running_system_lacks_the_version()
    {
        bool systemHasIt = SystemLibstdcxxHas(GlibcxxCompat.VersionName);

        Assert.That(GlibcxxCompat.SystemProvidesVersion(), Is.EqualTo(systemHasIt), "the run-time probe agrees with readelf");
        Assert.That(GlibcxxCompat.IsActive, Is.EqualTo(!systemHasIt));
    }

    private static string VersionNeedLine(string library)
    {
        string output = Run("readelf", $"-V --wide {library}");
        return output.Split('\n').Single(l => l.Contains("Name: GLIBCXX_3.4.32", StringComparison.Ordinal));
    }

    private static bool SystemLibstdcxxHas(string version)
    {
        string path = new[] { "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6" }.First(File.Exists);
        return Run("readelf", $"-V --wide {path}").Contains("Name: " + version, StringComparison.Ordinal);
    }

    private static string NuGetPackages() =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    private static string Run(string file, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, UseShellExecute = false })!;
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return output;
    }
}
