using System.Diagnostics;
using Sweep.Kernel;
using Sweep.Planning;
using Sweep.Reporting;
using Sweep.Running;
using Sweep.Storage;

namespace Sweep.Cli;

/// <summary>
/// Keeps the report current while a sweep runs: an observer of progress that redraws the report
/// after each run ends and at most every <paramref name="interval"/> after an epoch ends, on a
/// background thread so training never waits, one redraw at a time, and never more often than ten
/// times its own drawing time (so it takes at most about a tenth of the machine). It writes to the
/// screen only through <paramref name="display"/>, which takes the display's lock itself: its
/// drawing thread is not one of the runner's.
/// </summary>
internal sealed class LiveReport(SynchronizedProgress display, string databasePath, string sweepName, string outDir, TimeSpan interval) : ISweepProgress, IDisposable
{
    private readonly Stopwatch _sinceLast = Stopwatch.StartNew();
    private readonly Lock _gate = new();
    private Task _drawing = Task.CompletedTask;
    private TimeSpan _lastCost = TimeSpan.Zero;
    private bool _pending;
    private bool _closed;

    /// <summary>Redraws so far (for tests and the closing line).</summary>
    public int Redraws { get; private set; }

    public void SweepStarting(SweepPlan plan, int toTrain, int alreadyDone, string databasePath)
    {
    }

    public void RunStarting(RunTicket run)
    {
    }

    public void RunResumed(RunTicket run, int epoch)
    {
    }

    public void Warning(string message)
    {
    }

    public void Info(string message)
    {
    }

    public void Batch(RunTicket run, int epoch, int batch, int batches, double overallFraction, TimeSpan? remaining)
    {
    }

    public void EpochFinished(RunTicket run, EpochMetrics metrics, TimeSpan? remaining) => Redraw(force: false);

    public void RunFinished(RunTicket run, RunStatus status, string? message) => Redraw(force: true);

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
            display.Warning($"the live report could not be drawn ({ex.Message}); training goes on, and the report is drawn again at the end");
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
