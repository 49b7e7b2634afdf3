using System.Diagnostics;
using Sweep.Tests.Support;

namespace Sweep.Tests.Build;

/// <summary>'sweep' as a real command: the .NET tool package build/pack-tool.sh makes, installed the documented way.</summary>
public sealed class ToolPackageTests
{
    [Test]
    public void The_packed_tool_installs_answers_its_version_and_trains()
    {
        using var dir = new TempDir();
        string artifacts = dir.File("artifacts"), tools = dir.File("tools");
        Run("dotnet", RepoPaths.Root, "pack", Path.Combine(RepoPaths.Root, "src", "Sweep"), "-c", "Release", "-o", artifacts, "-nologo", "-v", "q");
        Run("dotnet", dir.Path, "tool", "install", "Sweep", "--tool-path", tools, "--add-source", artifacts);
        string sweep = Path.Combine(tools, "sweep");

        string version = Run(sweep, dir.Path, "--version");
        dir.Write("s.yaml", "name: tool\ntrain_size: 64\ntest_size: 32\nepochs: 1\ngrid:\n  lr: [0.01]\n  batch_size: [16]\n");
        string trained = Run(sweep, dir.Path, "sweep", "s.yaml", "--no-report");

        string csproj = File.ReadAllText(Path.Combine(RepoPaths.Root, "src", "Sweep", "Sweep.csproj"));
        Assert.That(version.Trim(), Is.EqualTo(System.Text.RegularExpressions.Regex.Match(csproj, "<Version>(.*)</Version>").Groups[1].Value));
        Assert.That(trained, Does.Contain("1 completed"));
        Assert.That(File.Exists(dir.File("results/results.db")), Is.True);
    }

    /// <summary>The product's own command forms, typed at the repository root (sweep.proj); --no-build keeps the shared build untouched.</summary>
    [Test]
    public void Dotnet_run_works_from_the_repository_root()
    {
        using var dir = new TempDir();
        StoredSweep.Write(dir, dir.File("r.db"), epochs: 1);

        string version = Run("dotnet", RepoPaths.Root, "run", "--no-build", "--", "--version");
        string report = Run("dotnet", RepoPaths.Root, "run", "--no-build", "--", "report", "--db", dir.File("r.db"), "--out", dir.File("report"));

        Assert.That(version.Trim(), Does.Match(@"^\d+\.\d+\.\d+$"));
        Assert.That(report, Does.Contain("index.html"));
        Assert.That(File.Exists(dir.File("report/index.html")), Is.True);
    }

    private static string Run(string file, string workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo(file, args) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using Process process = Process.Start(start)!;
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.That(process.ExitCode, Is.EqualTo(0), $"{file} {string.Join(' ', args)}\n{stdout}\n{stderr.Result}");
        return stdout;
    }
}
