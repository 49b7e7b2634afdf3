using Spectre.Console.Testing;
using Sweep.Cli;

namespace Sweep.Tests.Support;

/// <summary>
/// Runs a command in this process through the same app the executable uses, with a test console;
/// for behaviour that does not cross the process boundary (exit codes of signals and kill -9 do,
/// and stay in <see cref="SweepCli"/>). Paths must be absolute: the working folder is the runner's.
/// </summary>
internal static class InProcessCli
{
    public static CliResult Run(params string[] args)
    {
        var console = new TestConsole();
        var stderr = new StringWriter();
        using var stop = new CancellationTokenSource();
        int exit = SweepApp.Run(args, console, stderr, stop);
        return new CliResult(exit, console.Output, stderr.ToString());
    }
}
