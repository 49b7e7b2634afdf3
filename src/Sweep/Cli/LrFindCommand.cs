using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;
using Sweep.Kernel;
using Sweep.Planning;
using Sweep.Reporting.Figures;
using Sweep.Running;
using Sweep.Storage;

namespace Sweep.Cli;

/// <summary><c>lr-find FILE [--db PATH] [--out DIR]</c>: an LR range test per batch size the file plans.</summary>
internal sealed class LrFindCommand(IAnsiConsole console, CancellationTokenSource stop) : Command<LrFindCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<FILE>")]
        [Description("The sweep file (YAML); its learning rates are ignored, one test runs per batch size.")]
        public string File { get; init; } = "";

        [CommandOption("--db <PATH>")]
        [Description("Results database to store the curves in (tables lr_finds and lr_find_points).")]
        [DefaultValue(OutputLayout.DefaultDatabase)]
        public string Database { get; init; } = OutputLayout.DefaultDatabase;

        [CommandOption("--out <DIR>")]
        [Description("Folder for lr_find.png (default: the database's folder).")]
        public string? Out { get; init; }

        [CommandOption("--start-lr <LR>")]
        [Description("Learning rate of the first step; it rises exponentially from here.")]
        [DefaultValue(1e-7)]
        public double StartLr { get; init; } = 1e-7;

        [CommandOption("--end-lr <LR>")]
        [Description("Learning rate of the last step (the test stops earlier once the loss blows up).")]
        [DefaultValue(10.0)]
        public double EndLr { get; init; } = 10;

        [CommandOption("--steps <N>")]
        [Description("Mini-batches over which the learning rate rises from --start-lr to --end-lr.")]
        [DefaultValue(100)]
        public int Steps { get; init; } = 100;

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(File) ? ValidationResult.Error("lr-find needs the path of a sweep file, such as sweeps.yaml.") :
            string.IsNullOrWhiteSpace(Database) ? ValidationResult.Error("--db needs a file path.") :
            Out is { } o && string.IsNullOrWhiteSpace(o) ? ValidationResult.Error("--out needs a folder path.") :
            !(double.IsFinite(StartLr) && StartLr > 0) ? ValidationResult.Error("--start-lr must be a number greater than 0, such as 1e-7.") :
            !(double.IsFinite(EndLr) && EndLr > StartLr) ? ValidationResult.Error("--end-lr must be a number greater than --start-lr, such as 10.") :
            Steps is < 5 or > 100_000 ? ValidationResult.Error("--steps must be from 5 to 100000.") :
            ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        SweepPlan plan = SweepPlanner.Load(settings.File);
        string outDir = settings.Out ?? new OutputLayout(settings.Database).ReportFolder;
        OutputFolder.Ensure(outDir, settings.Out is null ? "report folder" : "--out");
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stop.Token, cancellationToken);
        var results = LrFinder.Run(plan, settings.Database, settings.StartLr, settings.EndLr, settings.Steps, line => console.WriteLine(line), linked.Token);
        using (var store = ResultsStore.OpenForReading(settings.Database))
        {
            string path = Path.Combine(outDir, LrFindFigure.FileName);
            LrFindFigure.Save(plan.Name, new LrFindRepository(store).Latest(plan.Name), path);
            console.WriteLine($"lr-find '{plan.Name}': {results.Count} batch sizes; curves in {settings.Database}, figure {path}");
        }
        return ExitCodes.Success;
    }
}
