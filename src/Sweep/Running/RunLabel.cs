using System.Globalization;
using Sweep.Planning;
using Sweep.Spec;

namespace Sweep.Running;

/// <summary>Short human labels for runs and durations.</summary>
internal static class RunLabel
{
    /// <summary>"lr=1e-3 batch_size=16": the settings that vary in this sweep.</summary>
    public static string Of(PlannedRun run, IReadOnlyList<string> varying)
    {
        var values = run.Config.ToValues().ToDictionary(p => p.Key, p => p.Value);
        return string.Join(" ", varying.Select(name => $"{name}={Value(name, values[name])}"));
    }

    public static string Duration(TimeSpan? span)
    {
        if (span is not { } t)
        {
            return "? (estimating)";
        }
        return t.TotalHours >= 1 ? $"{(int)t.TotalHours}h{t.Minutes:00}m" :
            t.TotalMinutes >= 1 ? $"{(int)t.TotalMinutes}m{t.Seconds:00}s" : $"{Math.Max(0, (int)t.TotalSeconds)}s";
    }

    /// <summary>A setting's value as people write it (lr as 1e-3).</summary>
    public static string Value(string name, object? value) => value switch
    {
        double d when name == "lr" => RunConfig.FormatLr(d),
        double d => d.ToString("G4", CultureInfo.InvariantCulture),
        null => "all",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };
}
