using System.ComponentModel;
using Spectre.Console.Cli;
using Spectre.Console;
using Sweep.Exporting;
using Sweep.Kernel;

namespace Sweep.Cli;

/// <summary><c>export optuna --out study.db [--db PATH] [--sweep NAME] [--metric M]</c>: a sweep as an Optuna study.</summary>
internal sealed class ExportOptunaCommand(IAnsiConsole console) : Command<ExportOptunaCommand.Settings>
{
    public sealed class Settings : ExportSettings
    {
        [CommandOption("--out <PATH>")]
        [Description("The Optuna storage to write (SQLite; created, or an Optuna 3.1 storage; a study of this name is replaced only if Sweep wrote it).")]
        public string Out { get; init; } = "";

        [CommandOption("--metric <METRIC>")]
        [Description("The trial value: test_loss (minimised), test_accuracy or test_auc (maximised).")]
        [DefaultValue("test_loss")]
        public string Metric { get; init; } = "test_loss";

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Out) ? ValidationResult.Error("export optuna needs --out, the study file to write, for example --out study.db.") :
            !OptunaStudy.Metrics.Contains(Metric) ? ValidationResult.Error($"--metric '{Metric}' is not one of {string.Join(", ", OptunaStudy.Metrics)}.") :
            base.Validate();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var (repository, sweep, connection) = Exports.Open(settings.Database, settings.Sweep);
        using (connection)
        {
            OutputFolder.EnsureFor(settings.Out, "--out", "study.db");
            var runs = repository.RunRecords(sweep);
            OptunaStudy study = OptunaStudy.Of(sweep, settings.Metric, runs, repository.Epochs(runs.Select(r => r.RunId)));
            OptunaStorageWriter.Write(study, settings.Out);
            console.WriteLine($"study '{sweep}' ({study.Direction.ToLowerInvariant()} {settings.Metric}): {study.Trials.Count} trials written to {settings.Out}; " +
                $"open it with optuna.load_study(study_name=\"{sweep}\", storage=\"sqlite:///{settings.Out}\") or optuna-dashboard sqlite:///{settings.Out}");
        }
        return ExitCodes.Success;
    }
}
