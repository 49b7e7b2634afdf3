using Dapper;
using Microsoft.Data.Sqlite;
using Sweep.Kernel;
using Sweep.Planning;
using static Sweep.Storage.StoredValues;

namespace Sweep.Storage;

/// <summary>
/// Successive-halving decisions (halving_decisions) and what they are made from. A rung's
/// decisions are written once, with the runs they stop, in one transaction; a resumed sweep or a
/// second worker reads them back instead of deciding again.
/// </summary>
internal sealed class HalvingRepository(ResultsStore store)
{
    /// <summary>The stored decisions of one rung, or null when it has not been decided.</summary>
    public IReadOnlyList<RungDecision>? Decisions(string halvingKey, int rungEpoch) => store.Read(connection =>
    {
        var rows = connection.Query<(string RunId, long Rung, double? Value, double? Mean, long Rank, long Kept, string Group)>(
            """
            SELECT run_id, rung_epoch, value, configuration_mean, rank, kept, group_name FROM halving_decisions
            WHERE halving_key = @halvingKey AND rung_epoch = @rungEpoch ORDER BY group_name, rank, run_id;
            """, new { halvingKey, rungEpoch }).ToList();
        return rows.Count == 0 ? null
            : (IReadOnlyList<RungDecision>)rows.Select(r => new RungDecision(r.RunId, (int)r.Rung, r.Value, r.Mean, (int)r.Rank, r.Kept != 0, r.Group)).ToList();
    });

    /// <summary>Each run's metric at an epoch (null when it has no such epoch or the value is not a number) and its status.</summary>
    public IReadOnlyDictionary<string, (RunStatus Status, double? Value)> MetricAt(IEnumerable<string> runIds, int epoch, string metric) =>
        store.Read<IReadOnlyDictionary<string, (RunStatus Status, double? Value)>>(connection =>
    {
        // The column comes from the declared metric (Kernel/Metric), never from input.
        string sql = $"SELECT r.run_id, r.status, e.{Metric.Named(metric).EpochColumn} FROM runs r LEFT JOIN epochs e ON e.run_id = r.run_id AND e.epoch = @epoch WHERE {InList(connection, "r.run_id", "@ids")};";
        return connection.Query<(string RunId, string Status, double? Value)>(sql, new { ids = runIds.ToList(), epoch })
            .ToDictionary(r => r.RunId, r => (RunStatusText.Parse(r.Status), r.Value));
    });

    /// <summary>Each stored run's status and last stored epoch (0 without epochs); runs without a row are absent.</summary>
    public IReadOnlyDictionary<string, (RunStatus Status, int LastEpoch)> Progress(IEnumerable<string> runIds) =>
        store.Read<IReadOnlyDictionary<string, (RunStatus Status, int LastEpoch)>>(connection => connection.Query<(string RunId, string Status, long LastEpoch)>(
            $"SELECT r.run_id, r.status, coalesce((SELECT max(e.epoch) FROM epochs e WHERE e.run_id = r.run_id), 0) FROM runs r WHERE {InList(connection, "r.run_id", "@ids")};",
            new { ids = runIds.ToList() })
        .ToDictionary(r => r.RunId, r => (RunStatusText.Parse(r.Status), (int)r.LastEpoch)));

    /// <summary>Stores a rung's decisions and marks the stopped runs that are paused there as pruned.</summary>
    public void Save(string halvingKey, string metric, IReadOnlyList<RungDecision> decisions) => store.Write((connection, tx) =>
    {
        string now = Now();
        foreach (RungDecision d in decisions)
        {
            connection.Execute(
                """
                INSERT INTO halving_decisions (halving_key, run_id, rung_epoch, metric, value, configuration_mean, group_name, rank, kept, decided_at)
                VALUES (@halvingKey, @RunId, @RungEpoch, @metric, @Value, @ConfigurationMean, @Group, @Rank, @Kept, @now) ON CONFLICT DO NOTHING;
                """,
                new { halvingKey, d.RunId, d.RungEpoch, metric, Value = Number(d.Value), ConfigurationMean = Number(d.ConfigurationMean), d.Group, d.Rank, Kept = d.Kept ? 1 : 0, now }, tx);
            if (!d.Kept)
            {
                // Stopped where it stands: a run trained past this rung under other halving settings keeps its later
                // epochs, so its stop epoch (and its final metrics, the last epoch's) are those of the last stored epoch.
                connection.Execute(
                    """
                    UPDATE runs SET status = @pruned, error = NULL,
                        pruned_at_epoch = CASE WHEN coalesce((SELECT max(e.epoch) FROM epochs e WHERE e.run_id = runs.run_id), 0) > @RungEpoch
                            THEN (SELECT max(e.epoch) FROM epochs e WHERE e.run_id = runs.run_id) ELSE @RungEpoch END
                    WHERE run_id = @RunId AND status = @paused;
                    """,
                    new { pruned = RunStatus.Pruned.Text(), paused = RunStatus.Interrupted.Text(), d.RunId, d.RungEpoch }, tx);
            }
        }
    });
}
