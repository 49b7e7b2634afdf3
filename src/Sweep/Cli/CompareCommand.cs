using System.ComponentModel;
using Spectre.Console.Cli;
using Spectre.Console;
using Sweep.Kernel;
using Sweep.Reporting.Figures;
using Sweep.Reporting;
using Sweep.Storage;

namespace Sweep.Cli;

/// <summary><c>compare A.db B.db [--out DIR]</c>: the same settings on two machines, side by side.</summary>
internal sealed class CompareCommand(IAnsiConsole console) : Command<CompareCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<A>")]
        [Description("The first results database.")]
        public string A { get; init; } = "";

        [CommandArgument(1, "<B>")]
        [Description("The second results database.")]
        public string B { get; init; } = "";

        [CommandOption("--out <DIR>")]
        [Description("Folder for the comparison figure.")]
        [DefaultValue("results/compare")]
        public string Out { get; init; } = "results/compare";

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(A) || string.IsNullOrWhiteSpace(B) ? ValidationResult.Error("compare needs two database paths.") :
            string.IsNullOrWhiteSpace(Out) ? ValidationResult.Error("--out needs a folder path.") :
            ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        using var a = ResultsStore.OpenForReading(settings.A);
        using var b = ResultsStore.OpenForReading(settings.B);
        var comparison = DatabaseComparison.Of(new ReportReads(a), new ReportReads(b));
        OutputFolder.Ensure(settings.Out, "--out");

        var environments = new Table().Border(TableBorder.Simple).AddColumn("").AddColumn(Markup.Escape(settings.A)).AddColumn(Markup.Escape(settings.B));
        foreach (var (name, get) in EnvironmentFields)
        {
            environments.AddRow(Markup.Escape(name), Markup.Escape(get(comparison.EnvironmentA) ?? "?"), Markup.Escape(get(comparison.EnvironmentB) ?? "?"));
        }
        console.Write(environments);
        foreach (string line in comparison.Findings())
        {
            console.WriteLine(line);
        }
        string figure = Path.Combine(settings.Out, "compare_test_loss.png");
        if (ComparisonFigure.Save(comparison, "A", "B", figure))
        {
            console.WriteLine($"figure: {figure}");
        }
        return ExitCodes.Success;
    }

    private static readonly (string, Func<EnvironmentRow?, string?>)[] EnvironmentFields =
    [
        ("host", e => e?.Host), ("os", e => e?.Os), ("cpu", e => e?.CpuModel), ("gpu", e => e?.GpuName),
        ("device", e => e?.Device), ("threads", e => e?.ThreadCount.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ("torch", e => e?.TorchVersion), ("TorchSharp", e => e?.TorchsharpVersion), (".NET", e => e?.DotnetVersion), ("git commit", e => e?.GitCommit),
    ];
}
