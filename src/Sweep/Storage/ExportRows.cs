namespace Sweep.Storage;

/// <summary>A run as exporters read it: every stored setting, its outcome, its times and where it ran, in plan order.</summary>
internal sealed record RunRecord
{
    /// <summary>0-based position in the sweep's stored plan (or in run order for a database without one).</summary>
    public long Position { get; init; }
    public string RunId { get; init; } = "";
    public string Status { get; init; } = "";
    public string ConfigJson { get; init; } = "";
    public long Seed { get; init; }
    public double? FinalTrainLoss { get; init; }
    public double? FinalTestLoss { get; init; }
    public double? FinalTestAccuracy { get; init; }
    public double? FinalTestAuc { get; init; }
    public long? DivergedAtEpoch { get; init; }
    public string? Error { get; init; }
    public string? FusedPack { get; init; }
    public string StartedAt { get; init; } = "";
    public string? FinishedAt { get; init; }
    public string? Host { get; init; }
    public string? CpuModel { get; init; }
    public string? GpuName { get; init; }
    public string? UsedDevice { get; init; }
    public string? TorchVersion { get; init; }
}
