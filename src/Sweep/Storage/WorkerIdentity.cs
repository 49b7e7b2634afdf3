using Sweep.Kernel;

namespace Sweep.Storage;

/// <summary>
/// Who claims runs: this process on this host, with a token of its own so that a reused process id
/// (another host, or after a reboot) never passes for the same worker.
/// </summary>
internal sealed record WorkerIdentity(string Host, int Pid, string Token)
{
    public static WorkerIdentity ThisProcess() => new(Environment.MachineName, Environment.ProcessId, Guid.NewGuid().ToString("N"));

    /// <summary>
    /// Whether a claim's process is known to be gone: only decidable on the same host, where a
    /// process id that no longer exists cannot be training. Elsewhere only the lease tells.
    /// </summary>
    public bool SeesGone(string host, int pid)
    {
        if (!string.Equals(host, Host, StringComparison.Ordinal) || pid == Pid)
        {
            return false;
        }
        return !LocalProcess.Exists(pid);
    }
}
