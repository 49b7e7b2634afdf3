using Spectre.Console.Cli;
using Sweep.Kernel;
using Sweep.Storage;

namespace Sweep.Cli;

/// <summary>Turns an exception that reached the top into one line on stderr and an exit code.</summary>
internal static class ErrorReporter
{
    public static int Handle(Exception ex, TextWriter stderr) => Handle(ex, stderr, []);

    /// <param name="args">The command line, to name the option whose value did not convert.</param>
    public static int Handle(Exception ex, TextWriter stderr, IReadOnlyList<string> args)
    {
        switch (ex)
        {
            case SweepInputException input:
                stderr.WriteLine($"error: {input.Message}");
                return ExitCodes.InvalidInput;
            case CommandAppException cli:
                // Unknown command or option, missing argument, failed Validate(): the user's input.
                stderr.WriteLine($"error: {OneLine(Converted(cli.Message, args))}{Suggestion(cli.Message)} Run 'sweep --help' for usage.");
                return ExitCodes.InvalidInput;
            case DiskFullException full:
                stderr.WriteLine($"error: {full.Message}.");
                return ExitCodes.Failure;
            case Exception other when DiskFullException.PathOf(other, null) is { } path:
                stderr.WriteLine($"error: {new DiskFullException(path, other).Message}.");
                return ExitCodes.Failure;
            case Exception store when StoreFailure.Describe(store) is { } failure:
                stderr.WriteLine($"error: {failure.Message}");
                return failure.UserInput ? ExitCodes.InvalidInput : ExitCodes.Failure;
            case System.Data.DataException data when UnreadableValue(data.Message) is { } value:
                // Dapper met a value of another type than the column's (text in a REAL column): a database edited by hand.
                stderr.WriteLine($"error: the results database holds a value Sweep cannot read, {value}; it was edited outside Sweep: correct that value with SQL or restore the file from a copy.");
                return ExitCodes.InvalidInput;
            case OperationCanceledException:
                stderr.WriteLine("interrupted.");
                return ExitCodes.Interrupted;
            default:
                stderr.WriteLine($"error: {OneLine(ex.Message)} ({ex.GetType().Name}; this is a bug or a problem with the machine, not with your input)");
                return ExitCodes.Failure;
        }
    }

    /// <summary>"column final_test_loss = 'abc' (text)" from Dapper's "Error parsing column 10 (final_test_loss=abc - String)".</summary>
    private static string? UnreadableValue(string message)
    {
        var parsed = System.Text.RegularExpressions.Regex.Match(message, @"^Error parsing column \d+ \((\w+)=(.*) - (\w+)\)");
        if (!parsed.Success)
        {
            return null;
        }
        string value = parsed.Groups[2].Value;
        value = value.Length > 40 ? value[..40] + "…" : value;
        string type = parsed.Groups[3].Value switch { "String" => "text", "Double" => "a real number", "Int64" => "a whole number", "Byte[]" => "a blob", var t => t };
        return $"column {parsed.Groups[1].Value} = '{value.ReplaceLineEndings(" ")}' ({type})";
    }

    /// <summary>" Did you mean '--parallel'?" for an unknown option one or two typos away from a real one.</summary>
    private static string Suggestion(string message)
    {
        var unknown = System.Text.RegularExpressions.Regex.Match(message, @"Unknown option '([^']+)'");
        if (!unknown.Success)
        {
            return "";
        }
        var options = typeof(ErrorReporter).Assembly.GetTypes()
            .SelectMany(t => t.GetProperties())
            .Select(p => p.GetCustomAttributes(typeof(CommandOptionAttribute), false).OfType<CommandOptionAttribute>().FirstOrDefault())
            .Where(a => a is not null)
            .SelectMany(a => a!.LongNames)
            .Distinct();
        return Spec.NameSuggester.Closest(unknown.Groups[1].Value, options) is { } near ? $" Did you mean '--{near}'?" : "";
    }

    /// <summary>"Failed to convert '0.001' to Int32" names no option: say which, and what it takes.</summary>
    private static string Converted(string message, IReadOnlyList<string> args)
    {
        var failed = System.Text.RegularExpressions.Regex.Match(message, @"^Failed to convert '(.*)' to (\w+)\.?$");
        if (!failed.Success)
        {
            return message;
        }
        string value = failed.Groups[1].Value;
        string wanted = failed.Groups[2].Value switch
        {
            "Int32" or "Int64" => "a whole number",
            "Double" or "Single" => "a number",
            "Boolean" => "true or false",
            var other => other,
        };
        int at = args.ToList().FindIndex(a => a == value || a.EndsWith("=" + value, StringComparison.Ordinal));
        string? option = at < 0 ? null
            : args[at].StartsWith("--", StringComparison.Ordinal) ? args[at].Split('=')[0]
            : at > 0 && args[at - 1].StartsWith('-') ? args[at - 1] : null;
        return option is null ? $"'{value}' is not {wanted}" : $"{option} takes {wanted}, not '{value}'";
    }

    private static string OneLine(string message)
    {
        string line = message.ReplaceLineEndings(" ").Trim();
        return line.EndsWith('.') ? line : line + ".";
    }
}
