using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;
using Sweep.Cluster;

namespace Sweep.Cli;

/// <summary><c>merge SHARD.db... --into results/results.db</c>: combines shard databases, idempotently.</summary>
internal sealed class MergeCommand(IAnsiConsole console) : Command<MergeCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<DB>")]
        [Description("Shard databases to merge, e.g. results/shards/*.db.")]
        public string[] Sources { get; init; } = [];

        [CommandOption("--into <PATH>")]
        [Description("The database to merge into (created if missing).")]
        [DefaultValue("results/results.db")]
        public string Into { get; init; } = "results/results.db";

        [CommandOption("--allow-other-sweeps")]
        [Description("Merge databases even when they hold different sweeps.")]
        public bool AllowOtherSweeps { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        MergeReport report = ResultsMerger.Merge(settings.Sources, settings.Into, settings.AllowOtherSweeps);
        console.WriteLine($"merged {report.Databases} databases into {settings.Into}: {report.RunsAdded} runs added, " +
            $"{report.RunsReplaced} replaced by a more complete record, {report.RunsKept} already there; {report.Epochs} epoch rows copied");
        return ExitCodes.Success;
    }
}
