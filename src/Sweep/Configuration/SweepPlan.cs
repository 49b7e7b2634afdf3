namespace Sweep.Configuration;

/// <summary>One planned run: its identity and settings.</summary>
internal sealed record PlannedRun(string RunId, RunConfig Config);

/// <summary>A validated sweep file, frozen: its name, source and the runs it expands into.</summary>
internal sealed record SweepPlan(
    string Name,
    string SourcePath,
    string SourceText,
    IReadOnlyList<GridAxis> Axes,
    IReadOnlyList<PlannedRun> Runs,
    int Parallel = 1,
    bool Fuse = false,
    int FuseMax = 0)
{
    /// <summary>Names of the settings that vary across runs, in axis order.</summary>
    public IReadOnlyList<string> VaryingSettings => Axes.SelectMany(a => a.Settings).Distinct().ToList();
}
