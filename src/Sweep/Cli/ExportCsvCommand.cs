using System.ComponentModel;
using Spectre.Console.Cli;
using Spectre.Console;
using Sweep.Exporting;
using Sweep.Kernel;

namespace Sweep.Cli;

/// <summary><c>export csv --out DIR [--db PATH] [--sweep NAME]</c>: runs.csv and epochs.csv.</summary>
internal sealed class ExportCsvCommand(IAnsiConsole console) : Command<ExportCsvCommand.Settings>
{
    public sealed class Settings : ExportSettings
    {
        [CommandOption("--out <DIR>")]
        [Description("Folder for runs.csv and epochs.csv (created if missing).")]
        public string Out { get; init; } = "";

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Out) ? ValidationResult.Error("export csv needs --out, the folder to write runs.csv and epochs.csv into.") :
            base.Validate();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var (repository, sweep, connection) = Exports.Open(settings.Database, settings.Sweep);
        using (connection)
        {
            OutputFolder.Ensure(settings.Out, "--out");
            var (runs, epochs) = CsvExporter.Export(repository, sweep, settings.Out);
            console.WriteLine($"sweep '{sweep}': {runs} runs in {Path.Combine(settings.Out, "runs.csv")}, {epochs} epochs in {Path.Combine(settings.Out, "epochs.csv")}");
        }
        return ExitCodes.Success;
    }
}
