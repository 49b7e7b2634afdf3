using System.Diagnostics;

namespace Sweep.Running;

/// <summary>Estimates the time left from the images trained so far in this invocation. Thread-safe.</summary>
internal sealed class WorkClock(long totalImages)
{
    private readonly Stopwatch _watch = Stopwatch.StartNew();
    private readonly Dictionary<string, long> _inProgress = [];
    private readonly Lock _gate = new();
    private long _finishedImages;

    public (double Fraction, TimeSpan? Remaining) Update(string runId, long imagesThisRun)
    {
        lock (_gate)
        {
            _inProgress[runId] = imagesThisRun;
            return Estimate();
        }
    }

    public TimeSpan? Remaining()
    {
        lock (_gate)
        {
            return Estimate().Remaining;
        }
    }

    public void Finish(string runId, long plannedImages)
    {
        lock (_gate)
        {
            _inProgress.Remove(runId);
            _finishedImages += plannedImages;
        }
    }

    private (double Fraction, TimeSpan? Remaining) Estimate()
    {
        long done = _finishedImages + _inProgress.Values.Sum();
        double fraction = totalImages == 0 ? 1 : Math.Clamp((double)done / totalImages, 0, 1);
        double seconds = _watch.Elapsed.TotalSeconds;
        TimeSpan? remaining = done > 0 && seconds > 2 ? TimeSpan.FromSeconds(seconds / done * Math.Max(0, totalImages - done)) : null;
        return (fraction, remaining);
    }
}
