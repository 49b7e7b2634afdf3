using System.Globalization;

namespace Sweep.Kernel;

/// <summary>The worker process that holds a run's claim, and when it last said it was alive.</summary>
internal sealed record RunHolder(string Host, int Pid, DateTime HeartbeatUtc)
{
    /// <summary>"host node3 pid 4242, heartbeat 5 s ago".</summary>
    public string Describe(DateTime nowUtc) =>
        $"host {Host} pid {Pid.ToString(CultureInfo.InvariantCulture)}, heartbeat {Math.Max(0, (int)(nowUtc - HeartbeatUtc).TotalSeconds).ToString(CultureInfo.InvariantCulture)} s ago";
}
