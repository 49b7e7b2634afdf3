using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;
using Sweep.Kernel;

namespace Sweep.Storage;

/// <summary>Whether a run recorded as running still has a live worker, as every reader and the claim logic see it.</summary>
internal static class ClaimLiveness
{
    /// <summary>
    /// Of the given runs recorded as running, those whose claim names a process on this host that no
    /// longer exists: killed without a word, they are interrupted, whatever the row still says, and
    /// readers (plan, report, exports) show them so instead of "running" with a heartbeat growing old.
    /// </summary>
    public static HashSet<string> Abandoned(DbConnection connection, IEnumerable<string> runIds, WorkerIdentity? worker = null)
    {
        WorkerIdentity me = worker ?? WorkerIdentity.ThisProcess();
        return connection.Query<(string RunId, string? Host, long? Pid)>(
                $"SELECT run_id, claim_host, claim_pid FROM runs WHERE status = @running AND claim_pid IS NOT NULL AND {StoredValues.InList(connection, "run_id", "@ids")};",
                new { running = RunStatus.Running.Text(), ids = runIds.ToArray() })
            .Where(r => r.Host is { } host && r.Pid is { } pid && me.SeesGone(host, (int)pid))
            .Select(r => r.RunId).ToHashSet(StringComparer.Ordinal);
    }
}
