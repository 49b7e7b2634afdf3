using Sweep.Configuration;
using Sweep.Data;
using Sweep.Training;

namespace Sweep.Fusion;

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

    /// <summary>Runs per pack that fit in a quarter of the memory: weights, gradients, two optimizer moments and a scratch tensor, plus activations.</summary>
    private static int AutoPackSize(RunConfig config)
    {
        DatasetInfo info = DatasetCatalog.Describe(config.Dataset);
        double parameters = config.Model switch { "seed-cnn" => 9.5e6 * info.Channels * info.Height * info.Width / 3072.0, "vgg" => 9.2e6 * Math.Pow(config.VggWidth / 64.0, 2), _ => 1.1e5 };
        double activations = config.BatchSize * info.Height * info.Width * (config.Model == "small-cnn" ? 64.0 : config.Model == "vgg" ? config.VggWidth * 4.0 : 200.0) * 3;
        double perSlice = (parameters * 5 + activations) * sizeof(float);
        double budget = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 4.0;
        return (int)Math.Clamp(budget / perSlice, 1, 64);
    }
}
