namespace Sweep.Data;

/// <summary>
/// An order in which classes take turns: the first image of each class, then the second of
/// each, and so on (a class that runs out drops out). Its first N images are as balanced as N
/// allows, which is what train_size and test_size rely on.
/// </summary>
internal static class ClassBalancedOrder
{
    public static int[] Of(IReadOnlyList<byte> labels)
    {
        var byClass = labels
            .Select((label, index) => (label, index))
            .GroupBy(x => x.label)
            .OrderBy(g => g.Key)
            .Select(g => g.Select(x => x.index).ToArray())
            .ToArray();
        var order = new List<int>(labels.Count);
        for (int round = 0; order.Count < labels.Count; round++)
        {
            foreach (int[] members in byClass)
            {
                if (round < members.Length)
                {
                    order.Add(members[round]);
                }
            }
        }
        return order.ToArray();
    }
}
