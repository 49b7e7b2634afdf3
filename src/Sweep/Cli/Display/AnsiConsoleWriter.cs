using Spectre.Console;

namespace Sweep.Cli.Display;

/// <summary>A TextWriter that prints through an IAnsiConsole (above a live display, if one runs).</summary>
internal sealed class AnsiConsoleWriter(IAnsiConsole console) : TextWriter
{
    public override System.Text.Encoding Encoding => System.Text.Encoding.UTF8;

    public override void WriteLine(string? value) => console.WriteLine(value ?? "", Style.Plain);

    public override void Write(string? value) => console.Write(new Text(value ?? ""));

    public override void Write(char value) => Write(value.ToString());
}
