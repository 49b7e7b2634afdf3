namespace Sweep.Running;

/// <summary>
/// The work items of one invocation, handed out in plan order to this process's workers. An item
/// whose runs another process holds is deferred and offered again after a poll interval, so a
/// worker with nothing else to do waits for it to be finished elsewhere or for its claim to lapse.
/// </summary>
internal sealed class WorkQueue(int count, TimeSpan poll)
{
    private readonly Lock _gate = new();
    private readonly Queue<int> _ready = new(Enumerable.Range(0, count));
    private readonly List<int> _waiting = [];

    public bool TryTake(CancellationToken cancel, out int item)
    {
        while (!cancel.IsCancellationRequested)
        {
            lock (_gate)
            {
                if (_ready.TryDequeue(out item))
                {
                    return true;
                }
                if (_waiting.Count == 0)
                {
                    return false;
                }
            }
            cancel.WaitHandle.WaitOne(poll);
            lock (_gate)
            {
                foreach (int waiting in _waiting)
                {
                    _ready.Enqueue(waiting);
                }
                _waiting.Clear();
            }
        }
        item = -1;
        return false;
    }

    public void Defer(int item)
    {
        lock (_gate)
        {
            _waiting.Add(item);
        }
    }
}
