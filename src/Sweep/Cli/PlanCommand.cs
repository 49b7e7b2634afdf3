using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;
using Sweep.Configuration;
using Sweep.Execution;

namespace Sweep.Cli;

/// <summary><c>plan FILE [--db PATH]</c>: shows the runs a sweep file expands into. Never trains.</summary>
internal sealed class PlanCommand(IAnsiConsole console) : Command<PlanCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<FILE>")]
        [Description("The sweep file (YAML).")]
        public string File { get; init; } = "";

        [CommandOption("--data-dir <DIR>")]
        [Description("Where the data sets are (overrides data_dir in the file; relative to the current folder).")]
        public string? DataDir { get; init; }

        [CommandOption("--fuse")]
        [Description("Show how runs would be packed for fused training.")]
        public bool Fuse { get; init; }

        [CommandOption("--db <PATH>")]
        [Description("Results database to compare with (read only).")]
        [DefaultValue("results/results.db")]
        public string Database { get; init; } = "results/results.db";
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        SweepPlan plan = SweepFileParser.Load(settings.File, settings.DataDir);
        Show(console, SweepPreview.Build(settings.Fuse ? plan with { Fuse = true } : plan, settings.Database), settings.Database);
        return ExitCodes.Success;
    }

    /// <summary>Prints the plan as a table; shared with <c>sweep --dry-run</c>.</summary>
    public static void Show(IAnsiConsole console, SweepPreview preview, string database)
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
            var cells = new List<string> { (++index).ToString(System.Globalization.CultureInfo.InvariantCulture), row.Run.RunId };
            cells.AddRange(varying.Select(s => RunLabel.Value(s, values[s])));
            if (!varying.Contains("seed"))
            {
                cells.Add(RunLabel.Value("seed", values["seed"]));
            }
            cells.Add(row.Status);
            cells.Add(row.Status is "completed" or "diverged" ? "" : row.Estimate is { } t ? RunLabel.Duration(t) : "?");
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
            var open = preview.Rows.Where(r => r.Status is not ("completed" or "diverged")).Select(r => r.Run).ToList();
            var items = Fusion.FusionPlanner.Plan(open, preview.Plan.FuseMax);
            var packs = items.Where(i => i.IsPack).ToList();
            console.WriteLine($"fuse: {packs.Count} fused packs ({string.Join(", ", packs.Select(p => p.Runs.Count))} runs), {items.Count(i => !i.IsPack)} runs alone.");
            foreach (var reason in items.Where(i => i.NotFusedBecause != null).GroupBy(i => i.NotFusedBecause))
            {
                console.WriteLine($"  {reason.Count()} runs alone: {reason.Key}.");
            }
            if (packs.Count > 0 && !TorchSharp.torch.cuda.is_available())
            {
                console.WriteLine(packs.Any(p => p.Runs[0].Config.Model == "seed-cnn")
                    ? "  note: on a 2-core CPU fused seed-cnn packs trained at 0.6-0.8x the speed of separate runs (README, Fused runs); leave --fuse off for them."
                    : "  note: on a CPU most of what fusion gains comes from using every core; --parallel gets most of it too (README, Fused runs).");
            }
        }
        console.WriteLine($"sweep '{preview.Plan.Name}': {preview.Rows.Count} runs, {preview.Finished} already finished in {database}, {left} to train; time left: {estimate}.");
    }
}
