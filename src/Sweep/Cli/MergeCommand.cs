using System.ComponentModel;
using Spectre.Console.Cli;
using Spectre.Console;
using Sweep.Cluster;
using Sweep.Kernel;

namespace Sweep.Cli;

/// <summary><c>merge SHARD.db... --into results/results.db</c>: combines shard databases, idempotently.</summary>
internal sealed class MergeCommand(IAnsiConsole console) : Command<MergeCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<DB>")]
        [Description("Databases to merge: shard files such as results/shards/*.db, or a postgresql:// URL.")]
        public string[] Sources { get; init; } = [];

        [CommandOption("--into <PATH>")]
        [Description("The database to merge into: a file (created if missing) or a postgresql:// URL.")]
        [DefaultValue(OutputLayout.DefaultDatabase)]
        public string Into { get; init; } = OutputLayout.DefaultDatabase;

        public override ValidationResult Validate() =>
            Sources.Length == 0 ? ValidationResult.Error("merge needs at least one database to merge, for example results/shards/*.db.") :
            string.IsNullOrWhiteSpace(Into) ? ValidationResult.Error("--into needs a file path or a postgresql:// URL.") :
            ValidationResult.Success();

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
