using System.Globalization;
using Spectre.Console;
using Sweep.Configuration;
using Sweep.Training;

namespace Sweep.Execution;

/// <summary>
/// Progress for a terminal: a live bar for the whole sweep (run i of N, epoch, batch, time left)
/// and one printed line per finished epoch and run.
/// </summary>
internal sealed class LiveProgress(IAnsiConsole console, ProgressTask task) : ISweepProgress
{
    private readonly PlainProgress _lines = new(new AnsiConsoleWriter(console));
    private int _index;
    private int _count;
    private string _label = "";

    public void SweepStarting(SweepPlan plan, int toTrain, int alreadyDone, string databasePath) =>
        _lines.SweepStarting(plan, toTrain, alreadyDone, databasePath);

    public void RunStarting(int index, int count, PlannedRun run, IReadOnlyList<string> varying)
    {
        (_index, _count, _label) = (index, count, RunLabel.Of(run, varying));
        _lines.RunStarting(index, count, run, varying);
    }

    public void Batch(int epoch, int epochs, int batch, int batches, double overallFraction, TimeSpan? remaining)
    {
        task.Value = overallFraction * task.MaxValue;
        task.Description = Markup.Escape(string.Create(CultureInfo.InvariantCulture,
            $"run {_index}/{_count} {_label} · epoch {epoch}/{epochs} · batch {batch}/{batches} · about {RunLabel.Duration(remaining)} left"));
    }

    public void EpochFinished(PlannedRun run, EpochMetrics metrics, TimeSpan? remaining) =>
        _lines.EpochFinished(run, metrics, remaining);

    public void RunFinished(PlannedRun run, string status, string? message) =>
        _lines.RunFinished(run, status, message);
}
