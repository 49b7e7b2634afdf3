using System.Globalization;
using Spectre.Console;
using Sweep.Kernel;
using Sweep.Planning;
using Sweep.Running;
using Sweep.Spec;
using Sweep.Training;

namespace Sweep.Cli.Display;

/// <summary>The plan table people read before training: one row per run, its status and estimate, then what fusion would do.</summary>
internal static class PlanTable
{
    /// <summary>Prints a plan preview as a table and a closing summary; used by <c>plan</c> and <c>sweep --dry-run</c>.</summary>
    public static void Write(IAnsiConsole console, SweepPreview preview, string database)
    {
        var varying = preview.Plan.VaryingSettings;
        var table = new Table().Border(TableBorder.Simple);
        table.AddColumn("#");
        table.AddColumn("run id");
        foreach (string setting in varying)
        {
            table.AddColumn(setting);
        }
        if (!varying.Contains("seed"))
        {
            table.AddColumn("seed");
        }
        table.AddColumn("status");
        table.AddColumn("estimate");
        int index = 0;
        foreach (PreviewRow row in preview.Rows)
        {
            var values = row.Run.Config.ToValues().ToDictionary(p => p.Key, p => p.Value);
            var cells = new List<string> { (++index).ToString(CultureInfo.InvariantCulture), row.Run.RunId };
            cells.AddRange(varying.Select(s => RunLabel.Value(s, values[s])));
            if (!varying.Contains("seed"))
            {
                cells.Add(RunLabel.Value("seed", values["seed"]));
            }
            // A running run shows its worker and heartbeat age: an old heartbeat is a dead worker whose run will be taken over.
            cells.Add(row.Holder is { } holder ? $"{row.Status.Text()} ({holder.Describe(DateTime.UtcNow)})" : row.Status.Text());
            cells.Add(row.Status.IsFinished() ? "" : row.Estimate is { } t ? RunLabel.Duration(t) : "?");
            table.AddRow(cells.Select(Markup.Escape).ToArray());
        }
        console.Write(table);

        int left = preview.Rows.Count - preview.Finished;
        string estimate = preview.Remaining switch
        {
            _ when left == 0 => "nothing to train",
            null => "no estimate yet (the database has no earlier epochs of this data set and model)",
            { } t when preview.UnestimatedRuns > 0 => $"at least {RunLabel.Duration(t)} ({preview.UnestimatedRuns} runs without an estimate)",
            { } t => $"about {RunLabel.Duration(t)}, from earlier epochs in the database",
        };
        if (preview.Plan.Fuse)
        {
            var open = preview.Rows.Where(r => !r.Status.IsFinished()).Select(r => r.Run).ToList();
            var items = FusionPlanner.Plan(open, preview.Plan.FuseMax);
            var packs = items.Where(i => i.IsPack).ToList();
            console.WriteLine($"fuse: {packs.Count} fused packs ({string.Join(", ", packs.Select(p => p.Runs.Count))} runs), {items.Count(i => !i.IsPack)} runs alone.");
            foreach (var reason in items.Where(i => i.NotFusedBecause != null).GroupBy(i => i.NotFusedBecause))
            {
                console.WriteLine($"  {reason.Count()} runs alone: {reason.Key}.");
            }
            if (packs.Count > 0 && !TorchDevice.CudaAvailable)
            {
                console.WriteLine(packs.Where(p => p.Runs[0].Config.ModelKind.FusesSlowerOnCpu).Select(p => p.Runs[0].Config.Model).FirstOrDefault() is { } slower
                    ? $"  note: on a 2-core CPU fused {slower} packs trained at 0.6-0.8x the speed of separate runs (docs/performance-and-gpus.md, Fused runs); leave --fuse off for them."
                    : "  note: on a CPU most of what fusion gains comes from using every core; --parallel gets most of it too (docs/performance-and-gpus.md, Fused runs).");
            }
        }
        if (preview.Plan.Halving is { } halving)
        {
            WriteHalvingBudget(console, preview.Plan, halving);
        }
        console.WriteLine($"sweep '{preview.Plan.Name}': {preview.Rows.Count} runs, {preview.Finished} already finished in {database}, {left} to train; time left: {estimate}.");
    }

    /// <summary>"halving …: rungs at epochs 1, 3; at most 63 epochs instead of 243 (26 %)" — the whole plan, trained or not.</summary>
    private static void WriteHalvingBudget(IAnsiConsole console, SweepPlan plan, HalvingSpec halving)
    {
        var (halved, full) = RungDecider.EpochBudget(halving, plan.Runs);
        string within = halving.Within.Count == 0 ? "" : $" within {string.Join(", ", halving.Within)}";
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"halving (eta {halving.Eta}, by {halving.Metric}{within}): rungs at epochs {string.Join(", ", halving.Rungs(plan.Runs[0].Config.Epochs))}; at most {halved} epochs instead of {full} without halving ({100.0 * halved / full:0} %)."));
    }
}
