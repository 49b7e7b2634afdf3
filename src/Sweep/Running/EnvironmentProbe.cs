using System.Diagnostics;
using System.Runtime.InteropServices;
using Sweep.Storage;
using Sweep.Training;

namespace Sweep.Running;

/// <summary>Describes the machine a sweep runs on, for the environments table.</summary>
internal static class EnvironmentProbe
{
    public static EnvironmentRow Capture(string device, int threads, string sweepFileDir) => new()
    {
        Host = Environment.MachineName,
        Os = RuntimeInformation.OSDescription,
        CpuModel = CpuModel(),
        GpuName = device == "cuda" ? Run("nvidia-smi", "--query-gpu=name --format=csv,noheader", null)?.Split('\n')[0] : null,
        Device = device,
        ThreadCount = threads,
        TorchVersion = TorchDevice.TorchVersion,
        TorchsharpVersion = TorchDevice.TorchSharpVersion,
        DotnetVersion = RuntimeInformation.FrameworkDescription,
        GitCommit = Run("git", "rev-parse HEAD", sweepFileDir),
    };

    private static string? CpuModel()
    {
        try
        {
            return File.ReadLines("/proc/cpuinfo")
                .FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?
                .Split(':', 2)[1].Trim();
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Runs a tool for one line of output; null when it is missing or fails.</summary>
    private static string? Run(string file, string arguments, string? workingDirectory)
    {
        try
        {
            var start = new ProcessStartInfo(file, arguments)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
            };
            using Process process = Process.Start(start)!;
            string output = process.StandardOutput.ReadToEnd().Trim();
            if (!process.WaitForExit(5000) || process.ExitCode != 0)
            {
                return null;
            }
            return output.Length > 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
