namespace Sweep.Spec;

/// <summary>Finds the closest known name to a misspelt one, for "did you mean" hints.</summary>
internal static class NameSuggester
{
    public static string? Closest(string typed, IEnumerable<string> known)
    {
        string needle = typed.ToLowerInvariant();
        var best = known
            .Select(name => (name, distance: Distance(needle, name)))
            .OrderBy(x => x.distance)
            .FirstOrDefault();
        // Allow roughly one typo per three letters, at least two.
        return best.name != null && best.distance <= Math.Max(2, needle.Length / 3) ? best.name : null;
    }

    /// <summary>Levenshtein distance, ignoring '_' and '-' so "batchsize" is next to "batch_size".</summary>
    private static int Distance(string a, string b)
    {
        a = a.Replace("_", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
        b = b.Replace("_", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) previous[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
