using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;
using Sweep.Kernel;
using Sweep.Planning;
using Sweep.Running;

namespace Sweep.Cli;

/// <summary><c>noise-scale FILE [--db PATH] [--small N] [--big N] [--repeats N]</c>: the gradient noise scale of a sweep's models.</summary>
internal sealed class NoiseScaleCommand(IAnsiConsole console, CancellationTokenSource stop) : Command<NoiseScaleCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<FILE>")]
        [Description("The sweep file (YAML): initial weights of each batch size's first run, and the saved final weights (save_model: true) of its completed runs.")]
        public string File { get; init; } = "";

        [CommandOption("--db <PATH>")]
        [Description("Results database (table noise_scales).")]
        [DefaultValue(OutputLayout.DefaultDatabase)]
        public string Database { get; init; } = OutputLayout.DefaultDatabase;

        [CommandOption("--small <N>")]
        [Description("The small batch of the two-batch estimator.")]
        [DefaultValue(16)]
        public int Small { get; init; } = 16;

        [CommandOption("--big <N>")]
        [Description("The big batch of the two-batch estimator (at most the training set).")]
        [DefaultValue(1024)]
        public int Big { get; init; } = 1024;

        [CommandOption("--repeats <N>")]
        [Description("Pairs of batches averaged.")]
        [DefaultValue(50)]
        public int Repeats { get; init; } = 50;

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(File) ? ValidationResult.Error("noise-scale needs the path of a sweep file, such as sweeps.yaml.") :
            string.IsNullOrWhiteSpace(Database) ? ValidationResult.Error("--db needs a file path.") :
            Small is < 1 or > 1_000_000 ? ValidationResult.Error("--small must be from 1 to 1000000.") :
            Big <= Small || Big > 1_000_000 ? ValidationResult.Error("--big must be larger than --small and at most 1000000.") :
            Repeats is < 1 or > 100_000 ? ValidationResult.Error("--repeats must be from 1 to 100000.") :
            ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        SweepPlan plan = SweepPlanner.Load(settings.File);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stop.Token, cancellationToken);
        int measured = NoiseScaleMeter.Run(plan, settings.Database, settings.Small, settings.Big, settings.Repeats, line => console.WriteLine(line), linked.Token);
        console.WriteLine($"noise-scale '{plan.Name}': {measured} model states measured; stored in {settings.Database} (table noise_scales), reported beside the critical batch size by 'report'.");
        return ExitCodes.Success;
    }
}
