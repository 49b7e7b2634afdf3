using System.Diagnostics;
using Sweep.Tests.Support;

namespace Sweep.Tests.Cli;

/// <summary>
/// Native memory stays flat over epochs, measured on the real CLI in its own process (not the test
/// host, which other tests have grown), with the glibc heap tuning on and off. The managed heap is
/// capped at 64 MiB so the .NET GC collects as it goes: without the cap the process's RSS rises by
/// about 5 MiB an epoch for the first 20 epochs while the GC grows its heap, then levels off, which
/// says nothing about native memory.
/// </summary>
public sealed class MemoryGrowthTests
{
    [TestCase(false)]
    [TestCase(true)]
    public void Resident_memory_grows_less_than_1_5_MiB_per_epoch_after_warm_up(bool defaultMalloc)
    {
        Requirement.Platform(OperatingSystem.IsLinux(), "reads /proc");
        using var dir = new TempDir();
        dir.Write("m.yaml", "name: m\ntrain_size: 600\ntest_size: 100\nepochs: 30\naugment: true\nthreads: 1\ngrid:\n  lr: [0.001]\n  batch_size: [16]\n");
        string db = dir.File("results/results.db");
        var environment = new Dictionary<string, string> { ["DOTNET_GCHeapHardLimit"] = "0x4000000" };
        if (defaultMalloc)
        {
            environment["SWEEP_DEFAULT_MALLOC"] = "1";
        }
        using Process sweep = SweepCli.Start(dir.Path, environment, "sweep", "m.yaml", "--no-report");
        Task<string> output = sweep.StandardOutput.ReadToEndAsync();
        var rss = new Dictionary<long, long>();
        var clock = Stopwatch.StartNew();
        while (!sweep.HasExited && rss.Count < 2 && clock.Elapsed < TimeSpan.FromMinutes(3))
        {
            long epochs = ResultsFile.CountOrZero(db, "SELECT count(*) FROM epochs");
            if (epochs is 10 or 28 && !rss.ContainsKey(epochs) && Resident(sweep.Id) is { } bytes)
            {
                rss[epochs] = bytes;
            }
            Thread.Sleep(20);
        }
        sweep.WaitForExit();

        Assert.That(sweep.ExitCode, Is.EqualTo(0), output.Result);
        Assert.That(rss.Keys, Is.EquivalentTo(new long[] { 10, 28 }), "sampled after epochs 10 and 28");
        // Measured here: about 0.15 MiB an epoch with glibc's defaults, 0.75 with the tuning (which keeps freed memory by design).
        double perEpoch = (rss[28] - rss[10]) / 18.0;
        Assert.That(perEpoch, Is.LessThan(1.5 * 1024 * 1024), $"RSS {rss[10] / 1048576} MiB after epoch 10, {rss[28] / 1048576} MiB after epoch 28");
    }

    private static long? Resident(int pid)
    {
        try
        {
            string? line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? null : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
