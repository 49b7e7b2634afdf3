namespace Sweep.Spec;

/// <summary>
/// A sweep file as read and checked, before expansion: the values every run shares, the axes
/// in file order (the zip block last), and the sweep-level keys.
/// </summary>
internal sealed record SweepSpec(
    string Name,
    string SourcePath,
    string SourceText,
    IReadOnlyDictionary<string, object?> BaseValues,
    IReadOnlyList<GridAxis> Axes,
    int Repeats = 1,
    int Parallel = 1,
    bool Fuse = false,
    int FuseMax = 0,
    string? GivenPath = null,
    ReferenceTable? Reference = null,
    HalvingSpec? Halving = null)
{
    /// <summary>The file as the user named it, for messages about the plan as a whole.</summary>
    public string DisplayPath => GivenPath ?? SourcePath;
}
