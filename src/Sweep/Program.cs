using System.Runtime.InteropServices;
using Spectre.Console;
using Sweep.Cli;

// Ctrl-C or SIGTERM: stop at the next training step and record the run as interrupted.
// A second Ctrl-C ends the process at once.
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    if (!stop.IsCancellationRequested)
    {
        e.Cancel = true;
        Console.Error.WriteLine("stopping after the current step (press Ctrl-C again to quit at once)…");
        stop.Cancel();
    }
};
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    stop.Cancel();
});

// Interactive terminals keep Spectre's console (progress bars redraw in place); logs and pipes get
// lines without the padding Spectre adds to table rows.
IAnsiConsole console = Console.IsOutputRedirected
    ? AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(new TrimmingWriter(Console.Out)) })
    : AnsiConsole.Console;
return SweepApp.Run(args, console, Console.Error, stop);
