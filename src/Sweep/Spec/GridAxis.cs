namespace Sweep.Spec;

/// <summary>
/// One axis of the plan: one or more settings that take their values together, point by point.
/// A grid axis has one setting; a zip block is one axis with several settings; repeats is an
/// axis over the seed.
/// </summary>
internal sealed record GridAxis(IReadOnlyList<string> Settings, IReadOnlyList<object[]> Points)
{
    public GridAxis(string setting, IReadOnlyList<object> values)
        : this([setting], values.Select(v => new[] { v }).ToList())
    {
    }
}
