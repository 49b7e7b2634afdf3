using System.Diagnostics;
using Dapper;
using Microsoft.Data.Sqlite;
using Sweep.Tests.Support;

namespace Sweep.Tests.Build;

/// <summary>
/// SWEEP_LIBTORCH: Sweep runs on a libtorch the machine already has (PyTorch's torch/lib on a GPU
/// machine). Here the outside libtorch is NuGet's CPU libtorch 2.10 laid out as PyTorch lays out
/// its package (torch/lib beside torch/version.py), so the loading path is the real one.
/// </summary>
public sealed class ExternalLibTorchTests
{
    private const string Yaml = "name: ext\ntrain_size: 64\ntest_size: 32\nepochs: 1\ngrid:\n  lr: [0.01]\n  batch_size: [16]\n";

    [Test]
    public void A_sweep_trains_on_the_outside_libtorch_says_so_and_records_it()
    {
        using var dir = new TempDir();
        dir.Write("s.yaml", Yaml);
        string lib = FakeTorchPackage(dir, "2.10.0+cpu");

        using Process sweep = Start(dir, ExternalBuild(dir), lib, "sweep", "s.yaml", "--no-report");
        Task<string> stdout = sweep.StandardOutput.ReadToEndAsync();
        Task<string> stderr = sweep.StandardError.ReadToEndAsync();
        var mapped = new HashSet<string>();
        while (!sweep.HasExited)
        {
            // Which libtorch_cpu files the process has mapped, read while it trains.
            try
            {
                mapped.UnionWith(File.ReadLines($"/proc/{sweep.Id}/maps").Where(l => l.EndsWith("libtorch_cpu.so", StringComparison.Ordinal)).Select(l => l[l.IndexOf('/')..]));
            }
            catch (IOException)
            {
            }
            Thread.Sleep(20);
        }
        sweep.WaitForExit();

        Assert.That(sweep.ExitCode, Is.EqualTo(0), stdout.Result + stderr.Result);
        Assert.That(stdout.Result, Does.Contain($"libtorch 2.10.0+cpu from {lib} (SWEEP_LIBTORCH), CPU only"));
        Assert.That(mapped, Is.Not.Empty);
        Assert.That(mapped, Is.All.StartsWith(Path.Combine(NuGetPackages(), "libtorch-cpu-linux-x64")), "only the outside libtorch_cpu is loaded");
        using var db = new SqliteConnection($"Data Source={dir.File("results/results.db")};Pooling=False");
        Assert.That(db.ExecuteScalar<string>("SELECT torch_version FROM environments;"), Is.EqualTo($"2.10.0+cpu from {lib}"));
        Assert.That(db.ExecuteScalar<string>("SELECT status FROM runs;"), Is.EqualTo("completed"));
    }

    [Test]
    public void Cuda_on_an_outside_libtorch_without_it_is_one_input_error()
    {
        using var dir = new TempDir();
        dir.Write("s.yaml", Yaml + "device: cuda\n");
        string lib = FakeTorchPackage(dir, "2.10.0+cpu");

        CliResult result = Run(dir, lib, "sweep", "s.yaml");

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Stderr.Trim(), Does.Contain($"SWEEP_LIBTORCH={lib} holds no libtorch_cuda.so"));
        Assert.That(result.Stderr.Trim().Split('\n'), Has.Length.EqualTo(1));
    }

    [TestCase("1.13.1", "holds libtorch 1.13.1, which TorchSharp 0.107 cannot run on")]
    [TestCase("2.9.0+cu126", "holds libtorch 2.9.0+cu126, which TorchSharp 0.107 cannot run on")]
    [TestCase("3.0.0", "holds libtorch 3.0.0, which TorchSharp 0.107 cannot run on")]
    [TestCase(null, "cannot tell which libtorch version this is")]
    public void An_unsupported_or_unknown_version_is_refused_before_anything_loads(string? version, string expected)
    {
        using var dir = new TempDir();
        dir.Write("s.yaml", Yaml);
        string lib = FakeTorchPackage(dir, version);

        CliResult result = Run(dir, lib, "sweep", "s.yaml");

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Stderr, Does.StartWith("error: SWEEP_LIBTORCH=").And.Contain(expected));
        Assert.That(result.Stderr.Trim().Split('\n'), Has.Length.EqualTo(1));
        Assert.That(File.Exists(dir.File("results/results.db")), Is.False, "nothing written");
    }

    [Test]
    public void A_folder_without_libtorch_is_refused()
    {
        using var dir = new TempDir();
        dir.Write("s.yaml", Yaml);
        Directory.CreateDirectory(dir.File("empty"));

        CliResult missing = Run(dir, dir.File("nowhere"), "plan", "s.yaml");
        CliResult empty = Run(dir, dir.File("empty"), "plan", "s.yaml");

        Assert.That(missing.ExitCode, Is.EqualTo(2), missing.ToString());
        Assert.That(missing.Stderr, Does.Contain("is not a folder"));
        Assert.That(empty.ExitCode, Is.EqualTo(2), empty.ToString());
        Assert.That(empty.Stderr, Does.Contain("holds no libtorch_cpu.so"));
    }

    [Test]
    public void A_build_that_carries_its_own_libtorch_refuses_a_second_one()
    {
        using var dir = new TempDir();
        dir.Write("s.yaml", Yaml);
        string lib = FakeTorchPackage(dir, "2.10.0+cpu");

        using Process process = SweepCli.Start(dir.Path, new Dictionary<string, string> { ["SWEEP_LIBTORCH"] = lib }, "sweep", "s.yaml");
        string stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();

        Assert.That(process.ExitCode, Is.EqualTo(2), stderr);
        Assert.That(stderr, Does.Contain("this build of Sweep carries its own libtorch").And.Contain("-p:TorchBackend=external"));
    }

    private static CliResult Run(TempDir dir, string lib, params string[] args)
    {
        using Process process = Start(dir, ExternalBuild(dir), lib, args);
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return new CliResult(process.ExitCode, stdout.Result, stderr.Result);
    }

    private static Process Start(TempDir dir, string app, string lib, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = dir.Path, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.Environment["SWEEP_LIBTORCH"] = lib;
        start.ArgumentList.Add(Path.Combine(app, "sweep.dll"));
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        return Process.Start(start)!;
    }

    /// <summary>
    /// The app as -p:TorchBackend=external lays it out: the build's files without libtorch's (those
    /// NuGet's libtorch-cpu package brings), only the linux-x64 natives.
    /// </summary>
    private static string ExternalBuild(TempDir dir)
    {
        string built = Path.GetDirectoryName(RepoPaths.SweepDll)!;
        string app = dir.File("app");
        if (Directory.Exists(app))
        {
            return app;
        }
        var libtorch = Directory.GetFiles(LibTorchNative()).Select(Path.GetFileName).ToHashSet();
        foreach (string file in Directory.GetFiles(built))
        {
            Copy(file, Path.Combine(app, Path.GetFileName(file)));
        }
        foreach (string folder in new[] { "fonts", Path.Combine("runtimes", "linux-x64", "native") })
        {
            foreach (string file in Directory.GetFiles(Path.Combine(built, folder)).Where(f => !libtorch.Contains(Path.GetFileName(f))))
            {
                Copy(file, Path.Combine(app, folder, Path.GetFileName(file)));
            }
        }
        return app;
    }

    private static void Copy(string from, string to)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(to)!);
        File.Copy(from, to);
    }

    private static string LibTorchNative() => Path.Combine(NuGetPackages(), "libtorch-cpu-linux-x64", "2.10.0", "runtimes", "linux-x64", "native");

    /// <summary>torch/lib linking NuGet's libtorch files, and torch/version.py stating <paramref name="version"/> (none when null).</summary>
    private static string FakeTorchPackage(TempDir dir, string? version)
    {
        string native = LibTorchNative();
        string lib = dir.File("site-packages/torch/lib");
        Directory.CreateDirectory(lib);
        foreach (string file in Directory.GetFiles(native))
        {
            File.CreateSymbolicLink(Path.Combine(lib, Path.GetFileName(file)), file);
        }
        if (version is not null)
        {
            dir.Write("site-packages/torch/version.py", $"from typing import Optional\n\n__all__ = ['__version__']\n__version__ = '{version}'\ndebug = False\ncuda: Optional[str] = None\n");
        }
        return lib;
    }

    private static string NuGetPackages() =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
}
