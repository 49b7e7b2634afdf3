using Sweep.Spec;

namespace Sweep.Planning;

/// <summary>
/// Expands base settings and axes into the cartesian product of runs. Pure: the order is the
/// axis order with the last axis varying fastest, so a plan reads like the file.
/// </summary>
internal static class GridExpander
{
    public static IReadOnlyList<IReadOnlyDictionary<string, object?>> Expand(
        IReadOnlyDictionary<string, object?> baseValues, IReadOnlyList<GridAxis> axes)
    {
        IEnumerable<Dictionary<string, object?>> combos = [new Dictionary<string, object?>(baseValues)];
        foreach (GridAxis axis in axes)
        {
            combos = combos.SelectMany(combo => axis.Points.Select(point =>
            {
                var next = new Dictionary<string, object?>(combo);
                for (int i = 0; i < axis.Settings.Count; i++)
                {
                    next[axis.Settings[i]] = point[i];
                }
                return next;
            }));
        }
        return combos.ToList();
    }
}
