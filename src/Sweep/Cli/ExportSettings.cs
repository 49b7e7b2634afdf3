using System.ComponentModel;
using Spectre.Console.Cli;
using Spectre.Console;
using Sweep.Kernel;

namespace Sweep.Cli;

/// <summary>What every export reads: which database, which sweep of it.</summary>
internal class ExportSettings : CommandSettings
{
    [CommandOption("--db <PATH>")]
    [Description("Results database to read.")]
    [DefaultValue(OutputLayout.DefaultDatabase)]
    public string Database { get; init; } = OutputLayout.DefaultDatabase;

    [CommandOption("--sweep <NAME>")]
    [Description("Which sweep to export (default: the most recent one).")]
    public string? Sweep { get; init; }

    public override ValidationResult Validate() =>
        string.IsNullOrWhiteSpace(Database) ? ValidationResult.Error("--db needs a file path.") :
        Sweep is { } s && string.IsNullOrWhiteSpace(s) ? ValidationResult.Error("--sweep needs a sweep name.") :
        ValidationResult.Success();
}
