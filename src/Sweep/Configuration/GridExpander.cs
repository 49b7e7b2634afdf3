namespace Sweep.Configuration;

/// <summary>One axis of the grid: a setting and the values it takes, in file order.</summary>
internal sealed record GridAxis(string Setting, IReadOnlyList<object> Values);

/// <summary>
/// Expands base settings and grid axes into the cartesian product of runs. Pure: the order is
/// the file's axis order with the last axis varying fastest, so a plan reads like the file.
/// </summary>
internal static class GridExpander
{
    public static IReadOnlyList<IReadOnlyDictionary<string, object?>> Expand(
        IReadOnlyDictionary<string, object?> baseValues, IReadOnlyList<GridAxis> axes)
    {
        IEnumerable<Dictionary<string, object?>> combos = [new Dictionary<string, object?>(baseValues)];
        foreach (GridAxis axis in axes)
        {
            combos = combos.SelectMany(combo => axis.Values.Select(value =>
                new Dictionary<string, object?>(combo) { [axis.Setting] = value }));
        }
        return combos.ToList();
    }
}
