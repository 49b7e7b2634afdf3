using System.ComponentModel;
using Spectre.Console.Cli;
using Spectre.Console;
using Sweep.Data;

namespace Sweep.Cli;

/// <summary>
/// Hidden maintenance command: re-creates the embedded fashion-mnist-mini files from the full
/// Fashion-MNIST (Debian's dataset-fashion-mnist package by default).
/// </summary>
internal sealed class MakeMiniDatasetCommand(IAnsiConsole console) : Command<MakeMiniDatasetCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--out <DIR>")]
        [Description("Where to write the four .gz IDX files.")]
        [DefaultValue("src/Sweep/Data/FashionMnistMini")]
        public string Out { get; init; } = "src/Sweep/Data/FashionMnistMini";

        [CommandOption("--source <DIR>")]
        [Description("Folder with the full Fashion-MNIST IDX files.")]
        [DefaultValue(DatasetLoader.DebianFashionMnistDir)]
        public string Source { get; init; } = DatasetLoader.DebianFashionMnistDir;
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        DatasetPair full = DatasetLoader.Load("fashion-mnist", settings.Source, null, null);
        var (train, test) = FashionMnistMini.Build(full.Train, full.Test);
        FashionMnistMini.Write(train, test, settings.Out);
        console.WriteLine($"wrote {train.Count} training and {test.Count} test images to {settings.Out}");
        return ExitCodes.Success;
    }
}
