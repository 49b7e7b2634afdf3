using Sweep.Spec;

namespace Sweep.Planning;

/// <summary>A group of runs trained as one fused network, or a single run trained the normal way.</summary>
internal sealed record WorkItem(IReadOnlyList<PlannedRun> Runs, string? NotFusedBecause = null)
{
    public bool IsPack => Runs.Count > 1;
}

/// <summary>
/// Groups runs that can share one fused network: the same model, data, batch size, epochs,
/// augmentation, optimizer and device, differing only in learning rate (and its schedule),
/// momentum, weight decay and initial-weight seed. Packs hold at most <c>fuse_max</c> runs, by
/// default as many as fit in a quarter of the available memory by a rough estimate.
/// </summary>
internal static class FusionPlanner
{
    public static IReadOnlyList<WorkItem> Plan(IReadOnlyList<PlannedRun> runs, int fuseMax)
    {
        var items = new List<WorkItem>();
        foreach (var group in runs.GroupBy(r => Key(r.Config)))
        {
            var members = group.ToList();
            if (members[0].Config.ModelKind.ReadsModelFile)
            {
                items.AddRange(members.Select(r => new WorkItem([r], $"model: {members[0].Config.Model} cannot be fused: Sweep does not know the layers of a model read from model_file")));
                continue;
            }
            if (members[0].Config.TargetMetric != "none")
            {
                items.AddRange(members.Select(r => new WorkItem([r], "a run with a target stops when it reaches it, which the members of a fused pack would do at different steps")));
                continue;
            }
            if (members[0].Config.SaveModel)
            {
                items.AddRange(members.Select(r => new WorkItem([r], "save_model keeps one model per run, which a fused pack does not write")));
                continue;
            }
            int size = fuseMax > 0 ? fuseMax : AutoPackSize(members[0].Config);
            foreach (var chunk in members.Chunk(Math.Max(1, size)))
            {
                items.Add(chunk.Length > 1 ? new WorkItem(chunk) : new WorkItem(chunk, members.Count == 1 ? "no other run differs from it only in optimizer settings or seed" : null));
            }
        }
        // Keep the plan's order: an item runs where its first run stood.
        var order = runs.Select((r, i) => (r.RunId, i)).ToDictionary(x => x.RunId, x => x.i);
        return items.OrderBy(w => order[w.Runs[0].RunId]).ToList();
    }

    /// <summary>Everything but the settings a fused pack lets differ per slice.</summary>
    private static RunConfig Key(RunConfig c) => c with
    {
        Lr = 0, Momentum = 0, WeightDecay = 0, Seed = 0, LrSchedule = "", StepSize = 0, Gamma = 0, WarmupEpochs = 0,
        DivergenceFactor = 0, KeepCheckpoints = false,
    };

    /// <summary>Runs per pack that fit in a quarter of the memory.</summary>
    private static int AutoPackSize(RunConfig config)
    {
        double budget = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 4.0;
        return (int)Math.Clamp(budget / RunCostModel.FusedSliceBytes(config), 1, 64);
    }
}
