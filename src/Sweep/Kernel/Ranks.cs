namespace Sweep.Kernel;

/// <summary>Ranks with ties: tied values share the mean of the positions they occupy (1-based), as rank statistics need.</summary>
internal static class Ranks
{
    public static double[] Average(IReadOnlyList<double> values)
    {
        int[] order = Enumerable.Range(0, values.Count).ToArray();
        Array.Sort(order, (a, b) => values[a].CompareTo(values[b]));
        var ranks = new double[values.Count];
        for (int start = 0; start < order.Length;)
        {
            int end = start;
            while (end + 1 < order.Length && values[order[end + 1]] == values[order[start]])
            {
                end++;
            }
            for (int i = start; i <= end; i++)
            {
                ranks[order[i]] = (start + end) / 2.0 + 1;
            }
            start = end + 1;
        }
        return ranks;
    }
}
