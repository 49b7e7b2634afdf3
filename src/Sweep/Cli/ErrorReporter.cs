using Spectre.Console.Cli;
using Sweep.Kernel;

namespace Sweep.Cli;

/// <summary>Turns an exception that reached the top into one line on stderr and an exit code.</summary>
internal static class ErrorReporter
{
    public static int Handle(Exception ex, TextWriter stderr)
    {
        switch (ex)
        {
            case SweepInputException input:
                stderr.WriteLine($"error: {input.Message}");
                return ExitCodes.InvalidInput;
            case CommandAppException cli:
                // Unknown command or option, missing argument, failed Validate(): the user's input.
                stderr.WriteLine($"error: {OneLine(cli.Message)} Run 'sweep --help' for usage.");
                return ExitCodes.InvalidInput;
            case DiskFullException full:
                stderr.WriteLine($"error: {full.Message}.");
                return ExitCodes.Failure;
            case Exception other when DiskFullException.PathOf(other, null) is { } path:
                stderr.WriteLine($"error: {new DiskFullException(path, other).Message}.");
                return ExitCodes.Failure;
            case OperationCanceledException:
                stderr.WriteLine("interrupted.");
                return ExitCodes.Interrupted;
            default:
                stderr.WriteLine($"error: {OneLine(ex.Message)} ({ex.GetType().Name}; this is a bug or a problem with the machine, not with your input)");
                return ExitCodes.Failure;
        }
    }

    private static string OneLine(string message)
    {
        string line = message.ReplaceLineEndings(" ").Trim();
        return line.EndsWith('.') ? line : line + ".";
    }
}
