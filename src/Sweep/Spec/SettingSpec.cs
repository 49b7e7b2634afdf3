namespace Sweep.Spec;

/// <summary>The YAML type a setting accepts.</summary>
internal enum SettingKind
{
    Real,
    Integer,
    Text,
    Flag,
}

/// <summary>
/// One setting a sweep file may declare, either once for every run or as a grid axis. A run
/// setting also says where it lives in <see cref="RunConfig"/>, so the run's mapping, its stored
/// JSON and its id all derive from this one declaration.
/// </summary>
/// <param name="Name">The key in the sweep file and the column name in the database.</param>
/// <param name="Kind">What type of value it takes.</param>
/// <param name="Default">The value when the file does not set it; null means "not set".</param>
/// <param name="ChangesTraining">
/// Whether it changes what is trained, and so belongs to a run's identity. Settings such as the
/// device or thread count change how fast, not what.
/// </param>
/// <param name="Check">Returns why a value is not allowed, or null when it is.</param>
/// <param name="Allowed">Human description of the allowed values, used in error messages.</param>
/// <param name="AddedLater">
/// Introduced after the first release: left out of the run id while it has its default value, so
/// adding a setting never changes the ids of results people already have.
/// </param>
internal sealed record SettingSpec(
    string Name,
    SettingKind Kind,
    object? Default,
    bool ChangesTraining,
    Func<object, string?> Check,
    string Allowed,
    bool AddedLater = false)
{
    /// <summary>The setting's value in a run, as the file and the store hold it (long, double, bool, string or null).</summary>
    public Func<RunConfig, object?> Read { get; init; } = _ => throw new InvalidOperationException("not a run setting");

    /// <summary>A run with this setting's value replaced (the value as <see cref="Read"/> gives it).</summary>
    public Func<RunConfig, object?, RunConfig> Write { get; init; } = (_, _) => throw new InvalidOperationException("not a run setting");
}
