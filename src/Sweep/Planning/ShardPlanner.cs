using Sweep.Kernel;

namespace Sweep.Planning;

/// <summary>
/// Splits a plan into N shards deterministically, balancing estimated cost: runs are taken from
/// the most to the least expensive (ties by run id) and each goes to the shard with the least
/// work so far (ties to the lowest index). The partition depends only on the planned runs, so
/// every array task computes the same one independently.
/// </summary>
internal static class ShardPlanner
{
    public static IReadOnlyList<IReadOnlyList<PlannedRun>> Partition(IReadOnlyList<PlannedRun> runs, int shards)
    {
        var buckets = Enumerable.Range(0, shards).Select(_ => new List<PlannedRun>()).ToList();
        var load = new double[shards];
        foreach (PlannedRun run in runs.OrderByDescending(Cost).ThenBy(r => r.RunId, StringComparer.Ordinal))
        {
            int target = Enumerable.Range(0, shards).MinBy(i => (load[i], i));
            buckets[target].Add(run);
            load[target] += Cost(run);
        }
        // Within a shard, keep the plan's own order.
        var order = runs.Select((r, i) => (r.RunId, i)).ToDictionary(x => x.RunId, x => x.i);
        return buckets.Select(b => (IReadOnlyList<PlannedRun>)b.OrderBy(r => order[r.RunId]).ToList()).ToList();
    }

    public static SweepPlan ShardOf(SweepPlan plan, ShardSpec shard)
    {
        CheckShardable(plan, "run it without --shard (several workers may share one database instead: start the same command on each)");
        return plan with { Runs = Partition(plan.Runs, shard.Count)[shard.Index], WholePlanRunIds = plan.PlannedRunIds };
    }

    /// <summary>Refuses a plan whose runs cannot be split into independent shards (successive halving).</summary>
    public static void CheckShardable(SweepPlan plan, string instead)
    {
        // A rung ranks runs against each other; a shard that saw only some of them would decide differently.
        if (plan.Halving is not null)
        {
            throw new SweepInputException($"{plan.SourcePath}: 'halving' decides each rung over all runs of a group, which a shard does not see; {instead}.");
        }
    }

    public static double Cost(PlannedRun run) => RunCostModel.RelativeCost(run.Config);
}
