using System.Globalization;
using Spectre.Console;
using Sweep.Kernel;
using Sweep.Planning;
using Sweep.Running;

namespace Sweep.Cli.Display;

/// <summary>
/// Progress for a terminal: a live bar for the whole sweep (run i of N, epoch, batch, time left)
/// and the plain lines printed above it.
/// </summary>
internal sealed class LiveProgress(IAnsiConsole console, ProgressTask task) : ISweepProgress
{
    private readonly PlainProgress _lines = new(new AnsiConsoleWriter(console));
    private long _lastUpdate;

    public void SweepStarting(SweepPlan plan, int toTrain, int alreadyDone, string databasePath) =>
        _lines.SweepStarting(plan, toTrain, alreadyDone, databasePath);

    public void RunStarting(RunTicket run) => _lines.RunStarting(run);

    public void RunResumed(RunTicket run, int epoch) => _lines.RunResumed(run, epoch);

    public void Warning(string message) => _lines.Warning(message);

    public void Info(string message) => _lines.Info(message);

    public void Batch(RunTicket run, int epoch, int batch, int batches, double overallFraction, TimeSpan? remaining)
    {
        // Called for every training step: redraw at most ten times a second.
        long now = Environment.TickCount64;
        if (now - _lastUpdate < 100 && batch != batches)
        {
            return;
        }
        _lastUpdate = now;
        task.Value = overallFraction * task.MaxValue;
        task.Description = Markup.Escape(string.Create(CultureInfo.InvariantCulture,
            $"run {run.Index}/{run.Count} {run.Label} · epoch {epoch}/{run.Run.Config.Epochs} · batch {batch}/{batches} · about {RunLabel.Duration(remaining)} left"));
    }

    public void EpochFinished(RunTicket run, EpochMetrics metrics, TimeSpan? remaining) => _lines.EpochFinished(run, metrics, remaining);

    public void RunFinished(RunTicket run, RunStatus status, string? message) => _lines.RunFinished(run, status, message);
}
