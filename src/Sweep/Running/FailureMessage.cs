using System.Text.RegularExpressions;
using Sweep.Spec;

namespace Sweep.Running;

/// <summary>Turns an exception from one run into the one-line error recorded with it.</summary>
internal static partial class FailureMessage
{
    public static string For(Exception ex, RunConfig config, int parallel)
    {
        string essence = Essence(ex.Message) ?? ex.GetType().Name;
        if (IsOutOfMemory(ex))
        {
            string hint = parallel > 1 ? "a smaller batch_size, a smaller model or a lower --parallel" : "a smaller batch_size or a smaller model";
            return $"out of memory on {config.Device} at batch_size {config.BatchSize} with {config.Model} ({essence}); try {hint}";
        }
        return essence;
    }

    /// <summary>
    /// The line of an error message that says what went wrong. A TorchScript interpreter error opens with
    /// "The following operation failed in the TorchScript interpreter." and a traceback; what the model
    /// raised is its last line ("builtins.RuntimeError: …"), and where is the traceback's last frame of the
    /// original code (else of the serialized code), so both are kept: "RuntimeError: … (net.py line 80, in forward)".
    /// </summary>
    public static string? Essence(string message)
    {
        string[] lines = message.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        string? first = lines.Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0);
        if (first is null || !first.StartsWith("The following operation failed in the TorchScript interpreter", StringComparison.Ordinal))
        {
            return first;
        }
        string? raised = lines.Select(l => l.Trim()).LastOrDefault(l => RaisedLine().IsMatch(l));
        Match where = lines.Select(l => FrameLine().Match(l)).LastOrDefault(m => m.Success) ?? Match.Empty;
        if (raised is null)
        {
            return first;
        }
        raised = raised.StartsWith("builtins.", StringComparison.Ordinal) ? raised["builtins.".Length..] : raised;
        return where.Success
            ? $"{raised} ({Path.GetFileName(where.Groups["file"].Value)} line {where.Groups["line"].Value}, in {where.Groups["function"].Value})"
            : raised;
    }

    public static bool IsOutOfMemory(Exception ex) =>
        ex is OutOfMemoryException ||
        ex.Message.Contains("out of memory", StringComparison.OrdinalIgnoreCase) ||
        ex.Message.Contains("can't allocate memory", StringComparison.OrdinalIgnoreCase) ||
        ex.Message.Contains("DefaultCPUAllocator", StringComparison.Ordinal);

    [GeneratedRegex(@"^([A-Za-z_][\w]*\.)*[A-Za-z_]\w*(Error|Exception|Interrupt)\b.*:")]
    private static partial Regex RaisedLine();

    [GeneratedRegex(@"^\s*File ""(?<file>[^""]+)"", line (?<line>\d+), in (?<function>\S+)")]
    private static partial Regex FrameLine();
}
