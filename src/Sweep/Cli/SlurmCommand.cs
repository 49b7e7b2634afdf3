using System.ComponentModel;
using System.Text.RegularExpressions;
using Spectre.Console.Cli;
using Spectre.Console;
using Sweep.Cluster;
using Sweep.Kernel;
using Sweep.Planning;

namespace Sweep.Cli;

/// <summary><c>slurm FILE [--shards N] [--partition P] [--gpus-per-task G] [--time T]</c>: writes ready sbatch scripts.</summary>
internal sealed partial class SlurmCommand(IAnsiConsole console) : Command<SlurmCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<FILE>")]
        [Description("The sweep file (YAML).")]
        public string File { get; init; } = "";

        [CommandOption("--shards <N>")]
        [Description("Array tasks to split the sweep over (default: the number of runs, at most 16).")]
        public int? Shards { get; init; }

        [CommandOption("--partition <P>")]
        [Description("Slurm partition.")]
        public string? Partition { get; init; }

        [CommandOption("--gpus-per-task <G>")]
        [Description("GPUs per array task.")]
        public int? GpusPerTask { get; init; }

        [CommandOption("--time <HH:MM:SS>")]
        [Description("Time limit of each array task.")]
        [DefaultValue("04:00:00")]
        public string Time { get; init; } = "04:00:00";

        [CommandOption("--db <URL>")]
        [Description("A postgresql:// URL every array task writes to: tasks share the runs (no shards, no merge step; halving allowed) and a report job follows.")]
        public string? Database { get; init; }

        [CommandOption("--out <DIR>")]
        [Description("Where to write the scripts.")]
        [DefaultValue("results/slurm")]
        public string Out { get; init; } = "results/slurm";

        public override ValidationResult Validate() =>
            Shards is < 1 or > 10000 ? ValidationResult.Error("--shards must be from 1 to 10000.") :
            GpusPerTask is < 0 ? ValidationResult.Error("--gpus-per-task must be 0 or more.") :
            !TimePattern().IsMatch(Time) ? ValidationResult.Error($"--time '{Time}' is not HH:MM:SS or D-HH:MM:SS.") :
            Partition is { } p && !NamePattern().IsMatch(p) ? ValidationResult.Error($"--partition '{p}' is not a partition name.") :
            Database is { } db && !DatabaseAddress.IsServer(db) ? ValidationResult.Error($"--db '{db}' is not a database server URL; array tasks share a postgresql://user@host:port/name database (files are per shard: leave --db out).") :
            ValidationResult.Success();
    }

    [GeneratedRegex(@"^(\d+-)?\d{1,3}:\d{2}:\d{2}$")]
    private static partial Regex TimePattern();

    [GeneratedRegex(@"^[A-Za-z0-9_.,-]+$")]
    private static partial Regex NamePattern();

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        SweepPlan plan = SweepPlanner.Load(settings.File);
        if (settings.Database is { } server)
        {
            Storage.Postgres.PostgresAddress.Parse(server); // a malformed URL is refused before any script is written
        }
        else
        {
            ShardPlanner.CheckShardable(plan, "remove 'halving' to split the sweep over array tasks, give --db postgresql://… so the tasks share one database, or submit one job that runs 'sweep' on the whole file");
        }
        int shards = settings.Shards ?? Math.Min(plan.Runs.Count, 16);
        OutputFolder.Ensure(settings.Out, "--out");
        var scripts = SlurmScripts.Write(plan, Path.GetFullPath(settings.File), shards, settings.Partition, settings.GpusPerTask,
            settings.Time, Path.GetFullPath(settings.Out), Environment.CurrentDirectory, settings.Database);
        if (settings.Database is { } url)
        {
            console.WriteLine($"sweep '{plan.Name}': {plan.Runs.Count} runs shared by {shards} array tasks through {url} (each task claims the next run).");
        }
        else
        {
            var sizes = ShardPlanner.Partition(plan.Runs, shards).Select(s => s.Count);
            console.WriteLine($"sweep '{plan.Name}': {plan.Runs.Count} runs over {shards} array tasks ({string.Join(", ", sizes)} runs each).");
        }
        console.WriteLine($"wrote {scripts.Array}, {scripts.Merge} and {scripts.Submit}");
        console.WriteLine($"submit with: bash {scripts.Submit}");
        return ExitCodes.Success;
    }
}
