namespace Sweep.Kernel;

/// <summary>
/// The names a sweep file may choose from for settings the trainer implements. Kept here, as plain
/// text, so the file language can check them without loading the trainer (and TorchSharp).
/// </summary>
internal static class Choices
{
    /// <summary>Where a TorchScript model's first weights come from: the file, or the run's seed.</summary>
    public static IReadOnlyList<string> Inits { get; } = ["file", "seed"];

    /// <summary>
    /// What a steps-to-target run watches: "none", or a ranking metric (Kernel/Metric) other than
    /// the AUC, which evaluations during training skip (only the test set's, at each epoch's end, is recorded).
    /// </summary>
    public static IReadOnlyList<string> TargetMetrics { get; } = ["none", .. Metric.Ranking.Where(m => m != Metric.TestAuc).Select(m => m.Name)];

    public static IReadOnlyList<string> LrSchedules { get; } = ["constant", "step", "cosine"];

    public static IReadOnlyList<string> VggDepths { get; } = ["11", "13", "16", "19"];

    public static IReadOnlyList<string> Devices { get; } = ["auto", "cpu", "cuda"];
}
