using System.ComponentModel;
using Spectre.Console.Cli;
using Spectre.Console;
using Sweep.Kernel;
using Sweep.Reporting;
using Sweep.Storage;

namespace Sweep.Cli;

/// <summary><c>report [--db PATH] [--out DIR] [--sweep NAME]</c>: draws the figures from a results database.</summary>
internal sealed class ReportCommand(IAnsiConsole console) : Command<ReportCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--db <PATH>")]
        [Description("Results database to read.")]
        [DefaultValue(OutputLayout.DefaultDatabase)]
        public string Database { get; init; } = OutputLayout.DefaultDatabase;

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Database) ? ValidationResult.Error("--db needs a file path.") :
            Out is { } o && string.IsNullOrWhiteSpace(o) ? ValidationResult.Error("--out needs a folder path.") :
            Sweep is { } s && string.IsNullOrWhiteSpace(s) ? ValidationResult.Error("--sweep needs a sweep name.") :
            ValidationResult.Success();

        [CommandOption("--out <DIR>")]
        [Description("Folder for the PNG figures (default: the database's folder).")]
        public string? Out { get; init; }

        [CommandOption("--sweep <NAME>")]
        [Description("Which sweep to draw (default: the most recent one).")]
        public string? Sweep { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        using var store = ResultsStore.OpenForReading(settings.Database);
        var repository = new ReportReads(store);
        string? sweepName = settings.Sweep ?? repository.LatestSweepName();
        if (sweepName == null)
        {
            console.WriteLine($"{settings.Database} holds no sweeps yet, so there is nothing to draw; run 'sweep sweeps.yaml' first.");
            return ExitCodes.Success;
        }
        if (!repository.SweepNames().Contains(sweepName))
        {
            throw new SweepInputException(
                $"{settings.Database} has no sweep named '{sweepName}'; it has: {string.Join(", ", repository.SweepNames())}.");
        }
        if (repository.Runs(sweepName).Count == 0)
        {
            console.WriteLine($"Sweep '{sweepName}' in {settings.Database} holds no runs yet, so there is nothing to draw.");
            return ExitCodes.Success;
        }
        string outDir = settings.Out ?? new OutputLayout(settings.Database).ReportFolder;
        OutputFolder.Ensure(outDir, settings.Out is null ? "report folder" : "--out");
        ReportResult report = ReportBuilder.Build(repository, sweepName, outDir);
        console.WriteLine($"sweep '{sweepName}': {report.Figures.Count} figures, index.html and summary.md written to {outDir}");
        foreach (string line in report.Verdict)
        {
            console.WriteLine($"  {line}");
        }
        return ExitCodes.Success;
    }
}
