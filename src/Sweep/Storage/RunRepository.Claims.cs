using System.Data.Common;
using System.Globalization;
using Dapper;
using Microsoft.Data.Sqlite;
using Sweep.Kernel;
using Sweep.Planning;
using static Sweep.Storage.StoredValues;

namespace Sweep.Storage;

/// <summary>What became of an attempt to claim the runs of one work item.</summary>
internal sealed record ClaimResult(
    IReadOnlyList<PlannedRun> Begun, IReadOnlyList<PlannedRun> FinishedElsewhere, IReadOnlyList<(PlannedRun Run, RunHolder Holder)> Held);

// Claims: several worker processes share one database. A run is trained by the worker that holds
// its claim (claim_token); the claim is taken in the same immediate transaction that reads it, so
// two workers can never both take one run.
internal sealed partial class RunRepository
{
    /// <summary>
    /// Claims and begins the runs of one work item, all or none: none when another live worker
    /// holds any of them (then <see cref="ClaimResult.Held"/> says who). Runs another worker has
    /// finished meanwhile are left out and linked to this sweep. A claim is live while its
    /// heartbeat is younger than <paramref name="lease"/> and, on this host, its process exists.
    /// </summary>
    public ClaimResult ClaimRuns(long sweepId, long environmentId, IReadOnlyList<PlannedRun> runs, string usedDevice, int usedThreads, TimeSpan lease) => store.Write((connection, tx) =>
    {
        var rows = connection.Query<ClaimRow>(
                $"SELECT run_id, status, claim_host, claim_pid, claim_token, heartbeat_at FROM runs WHERE {InList(connection, "run_id", "@ids")};",
                new { ids = runs.Select(r => r.RunId).ToArray() }, tx)
            .ToDictionary(r => r.RunId);
        DateTime now = _clock.GetUtcNow().UtcDateTime;
        var finished = runs.Where(r => rows.TryGetValue(r.RunId, out var row) && RunStatusText.Parse(row.Status).IsFinished()).ToList();
        var held = runs.Where(r => rows.TryGetValue(r.RunId, out var row) && IsLiveClaimOfAnother(row, now, lease))
            .Select(r => (r, HolderOf(rows[r.RunId]))).ToList();
        if (held.Count > 0)
        {
            return new ClaimResult([], finished, held);
        }
        foreach (PlannedRun done in finished)
        {
            connection.Execute("INSERT INTO sweep_runs (sweep_id, run_id) VALUES (@sweepId, @RunId) ON CONFLICT DO NOTHING;", new { sweepId, done.RunId }, tx);
        }
        var begun = runs.Except(finished).ToList();
        foreach (PlannedRun run in begun)
        {
            BeginRunIn(connection, tx, sweepId, environmentId, run, usedDevice, usedThreads);
        }
        return new ClaimResult(begun, finished, []);
    });

    /// <summary>Refreshes this worker's heartbeat on the given runs; returns those whose claim it has lost.</summary>
    public IReadOnlyList<string> Heartbeat(IReadOnlyCollection<string> runIds) => store.Write<IReadOnlyList<string>>((connection, tx) =>
    {
        string now = Now();
        return runIds.Where(runId => connection.Execute(
            "UPDATE runs SET heartbeat_at = @now WHERE run_id = @runId AND claim_token = @Token;",
            new { now, runId, worker!.Token }, tx) == 0).ToList();
    });

    /// <summary>Who holds each of the given runs that is recorded as running with a claim.</summary>
    public IReadOnlyDictionary<string, RunHolder> Holders(IEnumerable<string> runIds) => store.Read<IReadOnlyDictionary<string, RunHolder>>(connection =>
    {
        string[] ids = runIds.ToArray();
        HashSet<string> abandoned = ClaimLiveness.Abandoned(connection, ids, worker);
        return connection.Query<ClaimRow>(
                $"SELECT run_id, status, claim_host, claim_pid, claim_token, heartbeat_at FROM runs WHERE {InList(connection, "run_id", "@ids")} AND status = @running AND claim_token IS NOT NULL;",
                new { ids, running = RunStatus.Running.Text() })
            .Where(r => !abandoned.Contains(r.RunId))
            .ToDictionary(r => r.RunId, HolderOf);
    });

    /// <summary>Refuses a write for a run this worker no longer holds (a repository without a worker writes freely).</summary>
    private void EnsureHeld(DbConnection connection, string runId, DbTransaction tx)
    {
        if (worker is null)
        {
            return;
        }
        string? token = connection.QueryFirstOrDefault<string?>("SELECT claim_token FROM runs WHERE run_id = @runId;", new { runId }, tx);
        if (token != worker.Token)
        {
            throw new ClaimLostException(runId);
        }
    }

    private bool IsLiveClaimOfAnother(ClaimRow row, DateTime now, TimeSpan lease) =>
        row.Status == RunStatus.Running.Text() && row.ClaimToken is { } token && token != worker?.Token
        && now - HolderOf(row).HeartbeatUtc < lease
        && !(worker?.SeesGone(row.ClaimHost ?? "", (int)(row.ClaimPid ?? 0)) ?? false);

    private static RunHolder HolderOf(ClaimRow row) => new(row.ClaimHost ?? "?", (int)(row.ClaimPid ?? 0),
        DateTime.TryParse(row.HeartbeatAt, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var at)
            ? at : DateTime.MinValue);

    private sealed record ClaimRow
    {
        public string RunId { get; init; } = "";
        public string Status { get; init; } = "";
        public string? ClaimHost { get; init; }
        public long? ClaimPid { get; init; }
        public string? ClaimToken { get; init; }
        public string? HeartbeatAt { get; init; }
    }
}
