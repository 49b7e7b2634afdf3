using Sweep.Storage;

namespace Sweep.Running;

/// <summary>
/// Keeps this worker's claims alive: four times per lease it refreshes the heartbeat of every run
/// it trains. A run whose claim was taken over (this process was paused or cut off for longer than
/// the lease) has its training cancelled, so two workers never write the same run.
/// </summary>
internal sealed class ClaimKeeper : IDisposable
{
    /// <summary>How long a silent claim is honoured before another worker takes the run over.</summary>
    public static readonly TimeSpan DefaultLease = TimeSpan.FromSeconds(120);

    private readonly RunRepository _repository;
    private readonly Action<string> _warn;
    private readonly Lock _gate = new();
    private readonly List<HeldRuns> _held = [];
    private readonly Timer _timer;

    public ClaimKeeper(RunRepository repository, TimeSpan lease, Action<string> warn)
    {
        _repository = repository;
        _warn = warn;
        TimeSpan every = TimeSpan.FromTicks(Math.Max(TimeSpan.FromMilliseconds(250).Ticks, lease.Ticks / 4));
        _timer = new Timer(_ => Beat(), null, every, every);
    }

    /// <summary>How often a waiting worker looks again at runs other workers hold.</summary>
    public static TimeSpan PollInterval(TimeSpan lease) =>
        TimeSpan.FromTicks(Math.Clamp(lease.Ticks / 4, TimeSpan.FromMilliseconds(200).Ticks, TimeSpan.FromSeconds(5).Ticks));

    /// <summary>Starts keeping the claims of runs this worker has just begun; dispose when they end.</summary>
    public HeldRuns Track(IEnumerable<string> runIds, CancellationToken cancel)
    {
        var held = new HeldRuns(runIds.ToList(), cancel, Untrack);
        lock (_gate)
        {
            _held.Add(held);
        }
        return held;
    }

    private void Untrack(HeldRuns held)
    {
        lock (_gate)
        {
            _held.Remove(held);
        }
    }

    private void Beat()
    {
        List<HeldRuns> held;
        lock (_gate)
        {
            held = [.. _held];
        }
        if (held.Count == 0)
        {
            return;
        }
        try
        {
            var lost = _repository.Heartbeat(held.SelectMany(h => h.RunIds).ToList()).ToHashSet();
            foreach (HeldRuns h in held.Where(h => h.RunIds.Any(lost.Contains)))
            {
                h.MarkLost();
            }
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or StoreUnavailableException or ObjectDisposedException or InvalidOperationException)
        {
            // A busy or closing database: the next beat tries again, well inside the lease.
            _warn($"could not refresh the heartbeat of this worker's runs ({ex.Message}); trying again");
        }
    }

    /// <summary>Stops the heartbeats and waits for one in flight, so none touches the database after it closes.</summary>
    public void Dispose()
    {
        using var stopped = new ManualResetEvent(false);
        if (_timer.Dispose(stopped))
        {
            stopped.WaitOne();
        }
    }
}

/// <summary>The runs of one work item while this worker trains them; its token is cancelled when their claim is lost.</summary>
internal sealed class HeldRuns : IDisposable
{
    private readonly CancellationTokenSource _cancel;
    private readonly Action<HeldRuns> _release;
    private readonly Lock _gate = new();
    private bool _disposed;

    public HeldRuns(IReadOnlyList<string> runIds, CancellationToken outer, Action<HeldRuns> release)
    {
        RunIds = runIds;
        _cancel = CancellationTokenSource.CreateLinkedTokenSource(outer);
        _release = release;
    }

    public IReadOnlyList<string> RunIds { get; }

    public CancellationToken Token => _cancel.Token;

    /// <summary>Another worker took over one of these runs.</summary>
    public bool Lost { get; private set; }

    /// <summary>Safe after the runs ended: a heartbeat that began before they did may report them lost afterwards.</summary>
    public void MarkLost()
    {
        lock (_gate)
        {
            Lost = true;
            if (!_disposed)
            {
                _cancel.Cancel();
            }
        }
    }

    public void Dispose()
    {
        _release(this);
        lock (_gate)
        {
            _disposed = true;
            _cancel.Dispose();
        }
    }
}
