using Sweep.Cli;
using Sweep.Kernel;
using Sweep.Planning;
using Sweep.Running;
using Sweep.Tests.Support;

namespace Sweep.Tests.Cli;

/// <summary>
/// The live report observes progress and draws on its own thread; what it says on screen goes
/// through the display's lock, never around it (a warning written while a progress bar redraws
/// would interleave with it).
/// </summary>
public sealed class LiveReportObserverTests
{
    private sealed class HoldingDisplay : ISweepProgress
    {
        public readonly ManualResetEventSlim Holding = new(), Release = new();
        public readonly List<string> Warnings = [];
        public int RunEnds;

        public void Info(string message)
        {
            Holding.Set();
            Release.Wait(TimeSpan.FromMinutes(2));
        }

        public void Warning(string message)
        {
            lock (Warnings)
            {
                Warnings.Add(message);
            }
        }

        public void RunFinished(RunTicket run, RunStatus status, string? message) => RunEnds++;

        public void SweepStarting(SweepPlan plan, int toTrain, int alreadyDone, string databasePath) { }
        public void RunStarting(RunTicket run) { }
        public void RunResumed(RunTicket run, int epoch) { }
        public void Batch(RunTicket run, int epoch, int batch, int batches, double overallFraction, TimeSpan? remaining) { }
        public void EpochFinished(RunTicket run, EpochMetrics metrics, TimeSpan? remaining) { }
    }

    [Test]
    public void A_failed_redraw_warns_only_once_the_display_is_free()
    {
        using var dir = new TempDir();
        var screen = new HoldingDisplay();
        var display = new SynchronizedProgress(screen);
        var live = new LiveReport(display, dir.File("missing/results.db"), "s", dir.File("report"), TimeSpan.Zero);
        var holder = new Thread(() => display.Info("redrawing the progress bar")) { IsBackground = true };
        holder.Start();
        Assert.That(screen.Holding.Wait(TimeSpan.FromMinutes(1)), Is.True);

        live.RunFinished(null!, RunStatus.Completed, null); // a run ended: redraw now, which fails (no database)
        Thread.Sleep(500); // ample for a redraw that ignored the lock to have warned already

        lock (screen.Warnings)
        {
            Assert.That(screen.Warnings, Is.Empty, "the warning waits for the display");
        }
        screen.Release.Set();
        live.Dispose(); // waits for the redraw
        holder.Join();

        Assert.That(screen.Warnings, Has.Count.EqualTo(1));
        Assert.That(screen.Warnings[0], Does.StartWith("the live report could not be drawn"));
        Assert.That(screen.RunEnds, Is.Zero, "an observer does not pass events on to the display");
    }
}
