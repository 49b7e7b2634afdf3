using System.ComponentModel;
using Spectre.Console.Cli;
using Spectre.Console;
using Sweep.Cli.Display;
using Sweep.Kernel;
using Sweep.Planning;
using Sweep.Running;

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
        [DefaultValue(OutputLayout.DefaultDatabase)]
        public string Database { get; init; } = OutputLayout.DefaultDatabase;

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(File) ? ValidationResult.Error("plan needs the path of a sweep file, such as sweeps.yaml.") :
            string.IsNullOrWhiteSpace(Database) ? ValidationResult.Error("--db needs a file path.") :
            DataDir is { } d && string.IsNullOrWhiteSpace(d) ? ValidationResult.Error("--data-dir needs a folder path.") :
            ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        SweepPlan plan = SweepPlanner.Load(settings.File, settings.DataDir);
        PlanNotes.Write(console, plan);
        PlanTable.Write(console, PlanPreviewReader.Read(settings.Fuse ? plan with { Fuse = true } : plan, settings.Database), settings.Database);
        return ExitCodes.Success;
    }
}
