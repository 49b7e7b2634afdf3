using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Sweep.Native;

/// <summary>
/// Keeps freed memory in glibc's heap instead of handing it back to the kernel. Training frees
/// and re-allocates the same multi-megabyte activations and gradients every step; by default
/// glibc serves blocks that large with fresh mmaps and trims the heap top, so every step pays
/// page faults on newly zeroed pages. Measured with perf stat on a fused small-cnn sweep: 761,000
/// page faults with glibc's defaults, 343,000 with the thresholds raised. The threshold cannot go
/// above 32 MiB, and the seed CNN's largest weight gradient is exactly 32 MiB, so mmap is switched
/// off altogether: its training step at batch 16 gained 13–24 % from that (docs/performance-and-gpus.md, "Speed").
/// </summary>
internal static class MallocTuning
{
    private const int TrimThreshold = -1;  // M_TRIM_THRESHOLD
    private const int MmapThreshold = -3;  // M_MMAP_THRESHOLD
    private const int MmapMax = -4;        // M_MMAP_MAX: 0 serves every block from the heap
    private const int MaxMmapThreshold = 32 << 20; // glibc refuses more than HEAP_MAX_SIZE / 2 on 64-bit
    private const int KeepFree = 512 << 20;

    /// <summary>True when glibc accepted both settings.</summary>
    public static bool IsActive { get; private set; }

    [ModuleInitializer]
    internal static void ApplyAtStartup()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("SWEEP_DEFAULT_MALLOC") == "1")
        {
            return;
        }
        try
        {
            IsActive = mallopt(MmapThreshold, MaxMmapThreshold) == 1 && mallopt(TrimThreshold, KeepFree) == 1 && mallopt(MmapMax, 0) == 1;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc (musl, for one): its allocator keeps its defaults.
        }
    }

    [DllImport("libc.so.6")]
    private static extern int mallopt(int parameter, int value);
}
