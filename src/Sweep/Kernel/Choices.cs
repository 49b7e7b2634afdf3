namespace Sweep.Kernel;

/// <summary>
/// The names a sweep file may choose from for settings the trainer implements. Kept here, as plain
/// text, so the file language can check them without loading the trainer (and TorchSharp).
/// </summary>
internal static class Choices
{
    /// <summary>Where a TorchScript model's first weights come from: the file, or the run's seed.</summary>
    public static IReadOnlyList<string> Inits { get; } = ["file", "seed"];

    /// <summary>What a steps-to-target run watches: "none", or a metric of the validation or test set.</summary>
    public static IReadOnlyList<string> TargetMetrics { get; } = ["none", "val_loss", "val_accuracy", "test_loss", "test_accuracy"];

    public static IReadOnlyList<string> LrSchedules { get; } = ["constant", "step", "cosine"];

    public static IReadOnlyList<string> VggDepths { get; } = ["11", "13", "16", "19"];

    public static IReadOnlyList<string> Devices { get; } = ["auto", "cpu", "cuda"];
}
