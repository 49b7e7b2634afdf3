using System.Diagnostics;
using Sweep.Kernel;
using Sweep.Planning;
using Sweep.Running;
using Sweep.Storage;

namespace Sweep.Reporting;

/// <summary>
/// Keeps the report current while a sweep runs: redraws it after each run ends and at most every
/// <paramref name="interval"/> after an epoch ends, on a background thread so training never
/// waits, one redraw at a time, and never more often than ten times its own drawing time (so it
/// takes at most about a tenth of the machine). Passes every progress call on unchanged.
/// </summary>
internal sealed class LiveReport(ISweepProgress inner, string databasePath, string sweepName, string outDir, TimeSpan interval) : ISweepProgress, IDisposable
{
    private readonly Stopwatch _sinceLast = Stopwatch.StartNew();
    private readonly Lock _gate = new();
    private Task _drawing = Task.CompletedTask;
    private TimeSpan _lastCost = TimeSpan.Zero;
    private bool _pending;
    private bool _closed;

    /// <summary>Redraws so far (for tests and the closing line).</summary>
    public int Redraws { get; private set; }

    public void SweepStarting(SweepPlan plan, int toTrain, int alreadyDone, string databasePath) => inner.SweepStarting(plan, toTrain, alreadyDone, databasePath);

    public void RunStarting(RunTicket run) => inner.RunStarting(run);

    public void RunResumed(RunTicket run, int epoch) => inner.RunResumed(run, epoch);

    public void Warning(string message) => inner.Warning(message);

    public void Info(string message) => inner.Info(message);

    public void Batch(RunTicket run, int epoch, int batch, int batches, double overallFraction, TimeSpan? remaining) =>
        inner.Batch(run, epoch, batch, batches, overallFraction, remaining);

    public void EpochFinished(RunTicket run, EpochMetrics metrics, TimeSpan? remaining)
    {
        inner.EpochFinished(run, metrics, remaining);
        Redraw(force: false);
    }

    public void RunFinished(RunTicket run, RunStatus status, string? message)
    {
        inner.RunFinished(run, status, message);
        Redraw(force: true);
    }

    /// <summary>Stops redrawing and waits for a redraw in progress, so the final report is the last word.</summary>
    public void Dispose()
    {
        Task last;
        lock (_gate)
        {
            _closed = true;
            last = _drawing;
        }
        last.Wait();
    }

    private void Redraw(bool force)
    {
        lock (_gate)
        {
            TimeSpan gap = TimeSpan.FromTicks(Math.Max(interval.Ticks, _lastCost.Ticks * 10));
            if (_closed)
            {
                return;
            }
            if (!_drawing.IsCompleted)
            {
                _pending |= force; // a run ended while drawing: draw once more afterwards
                return;
            }
            if (!force && _sinceLast.Elapsed < gap)
            {
                return;
            }
            _sinceLast.Restart();
            _drawing = Task.Run(Draw);
        }
    }

    private void Draw()
    {
        var clock = Stopwatch.StartNew();
        try
        {
            // Its own read-only connection: the sweep's connection is busy writing on other threads.
            using var store = ResultsStore.OpenForReading(databasePath);
            ReportBuilder.Build(new ReportReads(store), sweepName, outDir, live: true);
            Redraws++;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            inner.Warning($"the live report could not be drawn ({ex.Message}); training goes on, and the report is drawn again at the end");
        }
        lock (_gate)
        {
            _lastCost = clock.Elapsed;
            if (_pending && !_closed)
            {
                _pending = false;
                _sinceLast.Restart();
                _drawing = Task.Run(Draw);
            }
        }
    }
}
