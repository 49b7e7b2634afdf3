using System.ComponentModel;
using Spectre.Console.Cli;
using Spectre.Console;
using Sweep.Spec;

namespace Sweep.Cli;

/// <summary><c>sweep FILE [--db PATH]</c>: trains every run of the file's grid, records it, draws the report.</summary>
internal sealed class SweepCommand(IAnsiConsole console, CancellationTokenSource stop) : Command<SweepCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<FILE>")]
        [Description("The sweep file (YAML), e.g. sweeps.yaml.")]
        public string File { get; init; } = "";

        [CommandOption("--data-dir <DIR>")]
        [Description("Where the data sets are (overrides data_dir in the file; relative to the current folder).")]
        public string? DataDir { get; init; }

        [CommandOption("--db <PATH>")]
        [Description("Results database; created if missing. The report is drawn into its folder.")]
        public string? Database { get; init; }

        [CommandOption("--parallel <N>")]
        [Description("Train N runs at once on the one device, sharing its CPU threads (default: 'parallel' in the file, else 1).")]
        public int? Parallel { get; init; }

        [CommandOption("--fuse")]
        [Description("Train runs that differ only in optimizer settings or seed as one fused network (also 'fuse: true' in the file).")]
        public bool Fuse { get; init; }

        [CommandOption("--shard <I/N>")]
        [Description("Train only shard I of N (0-based), into results/shards/results-I-of-N.db unless --db is given; 'auto' reads the Slurm array task.")]
        public string? Shard { get; init; }

        [CommandOption("--dry-run")]
        [Description("Show the plan (like the plan command) and train nothing.")]
        public bool DryRun { get; init; }

        [CommandOption("--live-every <SECONDS>")]
        [Description("Redraw the report while training, after each run and at most every SECONDS after an epoch (0: only at the end).")]
        [DefaultValue(30)]
        public int LiveEvery { get; init; } = 30;

        [CommandOption("--lease <SECONDS>")]
        [Description("Workers sharing the database take over a run whose worker has been silent this long (heartbeat every quarter of it; default 120). On the same host a run whose process is gone is taken over at once.")]
        [DefaultValue(120)]
        public int Lease { get; init; } = 120;

        [CommandOption("--no-report")]
        [Description("Do not draw the figures at the end.")]
        public bool NoReport { get; init; }

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(File) ? ValidationResult.Error("sweep needs the path of a sweep file, such as sweeps.yaml.") :
            Database is { } db && string.IsNullOrWhiteSpace(db) ? ValidationResult.Error("--db needs a file path.") :
            DataDir is { } d && string.IsNullOrWhiteSpace(d) ? ValidationResult.Error("--data-dir needs a folder path.") :
            Shard is { } s && string.IsNullOrWhiteSpace(s) ? ValidationResult.Error("--shard needs I/N or auto.") :
            LiveEvery is < 0 or > 86400 ? ValidationResult.Error("--live-every must be from 0 to 86400 seconds.") :
            Lease is < 2 or > 86400 ? ValidationResult.Error("--lease must be from 2 to 86400 seconds.") :
            Parallel is < 1 or > SweepFileParser.MaxParallel ? ValidationResult.Error($"--parallel must be from 1 to {SweepFileParser.MaxParallel}.") :
            ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stop.Token, cancellationToken);
        var options = new SweepPipeline.Options(
            settings.File, settings.DataDir, settings.Database, settings.Parallel, settings.Fuse, settings.Shard, settings.DryRun,
            LiveEvery: settings.NoReport || settings.LiveEvery == 0 ? null : TimeSpan.FromSeconds(settings.LiveEvery),
            Lease: TimeSpan.FromSeconds(settings.Lease), Report: !settings.NoReport);
        return new SweepPipeline(console).Run(options, linked.Token);
    }
}
