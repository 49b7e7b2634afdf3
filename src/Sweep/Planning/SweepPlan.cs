using Sweep.Spec;

namespace Sweep.Planning;

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
    int FuseMax = 0,
    IReadOnlyList<string>? WholePlanRunIds = null,
    ReferenceTable? Reference = null,
    HalvingSpec? Halving = null,
    IReadOnlyList<string>? Notes = null)
{
    /// <summary>The run ids of the whole sweep, in plan order: this plan's own, or the whole file's when this is one shard of it.</summary>
    public IReadOnlyList<string> PlannedRunIds => WholePlanRunIds ?? Runs.Select(r => r.RunId).ToList();

    /// <summary>Names of the settings that vary across runs, in axis order.</summary>
    public IReadOnlyList<string> VaryingSettings => Axes.SelectMany(a => a.Settings).Distinct().ToList();
}
