using Dapper;
using Microsoft.Data.Sqlite;
using Sweep.Kernel;
using Sweep.Storage;

namespace Sweep.Cluster;

/// <summary>What a merge did.</summary>
internal sealed record MergeReport(int Databases, int RunsAdded, int RunsReplaced, int RunsKept, long Epochs);

/// <summary>
/// Merges shard databases into one. Idempotent: sweeps and environments are matched by their
/// recorded identity, and a run is only replaced by a more complete record of itself (completed
/// over diverged over interrupted, failed or running; then more epochs), so merging twice
/// changes nothing. Every source is checked before the target is touched.
/// </summary>
internal static class ResultsMerger
{
    private const string Rank =
        "(CASE {0}.status WHEN 'completed' THEN 4 WHEN 'diverged' THEN 3 WHEN 'interrupted' THEN 2 WHEN 'failed' THEN 1 ELSE 0 END * 1000000 " +
        "+ (SELECT count(*) FROM {1}.epochs x WHERE x.run_id = {0}.run_id))";

    public static MergeReport Merge(IReadOnlyList<string> sources, string target, bool allowOtherSweeps)
    {
        if (sources.Count == 0)
        {
            throw new SweepInputException("merge needs at least one database to merge, for example results/shards/*.db.");
        }
        string targetFull = Path.GetFullPath(target);
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (string source in sources)
        {
            if (Path.GetFullPath(source) == targetFull)
            {
                throw new SweepInputException($"{source} is the merge target itself; list only the shard databases.");
            }
            using SqliteConnection connection = ResultsDatabase.OpenForReading(source);
            int version = ResultsDatabase.SchemaVersion(connection);
            if (version != ResultsDatabase.LatestVersion)
            {
                throw new SweepInputException($"{source} has schema version {version}, this Sweep writes version {ResultsDatabase.LatestVersion}; open it once with this Sweep (e.g. run its sweep again) before merging.");
            }
            names.UnionWith(connection.Query<string>("SELECT DISTINCT name FROM sweeps;"));
        }
        if (File.Exists(target))
        {
            using SqliteConnection existing = ResultsDatabase.OpenForReading(target);
            names.UnionWith(existing.Query<string>("SELECT DISTINCT name FROM sweeps;"));
        }
        if (names.Count > 1 && !allowOtherSweeps)
        {
            throw new SweepInputException($"the databases hold different sweeps ({string.Join(", ", names)}); merge one sweep at a time, or pass --allow-other-sweeps to merge them anyway.");
        }

        using SqliteConnection db = ResultsDatabase.OpenForWriting(target);
        string[] runColumns = db.Query<string>("SELECT name FROM pragma_table_info('runs');").ToArray();
        int added = 0, replaced = 0, kept = 0;
        long epochs = 0;
        foreach (string source in sources)
        {
            db.Execute("ATTACH DATABASE @path AS src;", new { path = Path.GetFullPath(source) });
            try
            {
                using SqliteTransaction tx = db.BeginTransaction();
                var counts = MergeOne(db, tx, runColumns);
                tx.Commit();
                (added, replaced, kept, epochs) = (added + counts.Added, replaced + counts.Replaced, kept + counts.Kept, epochs + counts.Epochs);
            }
            finally
            {
                db.Execute("DETACH DATABASE src;");
            }
        }
        return new MergeReport(sources.Count, added, replaced, kept, epochs);
    }

    private static (int Added, int Replaced, int Kept, long Epochs) MergeOne(SqliteConnection db, SqliteTransaction tx, string[] runColumns)
    {
        const string SameSweep = "m.name = s.name AND m.started_at = s.started_at AND m.file_path = s.file_path";
        db.Execute($"""
            INSERT INTO sweeps (name, file_path, file_contents, started_at, finished_at, varying_settings, reference_path, reference_csv)
            SELECT s.name, s.file_path, s.file_contents, s.started_at, s.finished_at, s.varying_settings, s.reference_path, s.reference_csv FROM src.sweeps s
            WHERE NOT EXISTS (SELECT 1 FROM main.sweeps m WHERE {SameSweep});
            UPDATE main.sweeps AS m SET finished_at = (SELECT s.finished_at FROM src.sweeps s WHERE {SameSweep})
            WHERE m.finished_at IS NULL AND EXISTS (SELECT 1 FROM src.sweeps s WHERE {SameSweep} AND s.finished_at IS NOT NULL);
            DROP TABLE IF EXISTS temp.sweep_map;
            CREATE TEMP TABLE sweep_map AS SELECT s.sweep_id AS src_id, m.sweep_id AS dst_id FROM src.sweeps s JOIN main.sweeps m ON {SameSweep};
            INSERT OR IGNORE INTO sweep_plan (sweep_id, position, run_id)
            SELECT sm.dst_id, p.position, p.run_id FROM src.sweep_plan p JOIN temp.sweep_map sm ON sm.src_id = p.sweep_id;
            INSERT INTO environments (sweep_id, recorded_at, host, os, cpu_model, gpu_name, device, thread_count, torch_version, torchsharp_version, dotnet_version, git_commit)
            SELECT sm.dst_id, e.recorded_at, e.host, e.os, e.cpu_model, e.gpu_name, e.device, e.thread_count, e.torch_version, e.torchsharp_version, e.dotnet_version, e.git_commit
            FROM src.environments e JOIN temp.sweep_map sm ON sm.src_id = e.sweep_id
            WHERE NOT EXISTS (SELECT 1 FROM main.environments m WHERE m.sweep_id = sm.dst_id AND m.recorded_at = e.recorded_at AND m.host = e.host);
            DROP TABLE IF EXISTS temp.env_map;
            CREATE TEMP TABLE env_map AS SELECT e.environment_id AS src_id, m.environment_id AS dst_id
            FROM src.environments e JOIN temp.sweep_map sm ON sm.src_id = e.sweep_id
            JOIN main.environments m ON m.sweep_id = sm.dst_id AND m.recorded_at = e.recorded_at AND m.host = e.host;
            DROP TABLE IF EXISTS temp.better;
            CREATE TEMP TABLE better AS
            SELECT r.run_id, EXISTS (SELECT 1 FROM main.runs m WHERE m.run_id = r.run_id) AS existed FROM src.runs r
            WHERE NOT EXISTS (SELECT 1 FROM main.runs m WHERE m.run_id = r.run_id)
               OR {string.Format(Rank, "r", "src")} > (SELECT {string.Format(Rank, "m", "main")} FROM main.runs m WHERE m.run_id = r.run_id);
            """, transaction: tx);

        int added = db.ExecuteScalar<int>("SELECT count(*) FROM temp.better WHERE NOT existed;", transaction: tx);
        int replaced = db.ExecuteScalar<int>("SELECT count(*) FROM temp.better WHERE existed;", transaction: tx);
        int total = db.ExecuteScalar<int>("SELECT count(*) FROM src.runs;", transaction: tx);

        // Copy the better runs with their ids remapped; upsert, because sweep_runs rows point at them.
        string columns = string.Join(", ", runColumns);
        string values = string.Join(", ", runColumns.Select(c => c switch
        {
            "sweep_id" => "sm.dst_id",
            "environment_id" => "em.dst_id",
            _ => "r." + c,
        }));
        string updates = string.Join(", ", runColumns.Where(c => c != "run_id").Select(c => $"{c} = excluded.{c}"));
        db.Execute($"""
            DELETE FROM main.epochs WHERE run_id IN (SELECT run_id FROM temp.better);
            INSERT INTO main.runs ({columns})
            SELECT {values} FROM src.runs r JOIN temp.sweep_map sm ON sm.src_id = r.sweep_id LEFT JOIN temp.env_map em ON em.src_id = r.environment_id
            WHERE r.run_id IN (SELECT run_id FROM temp.better) AND true
            ON CONFLICT (run_id) DO UPDATE SET {updates};
            INSERT INTO main.epochs SELECT * FROM src.epochs WHERE run_id IN (SELECT run_id FROM temp.better);
            INSERT OR IGNORE INTO main.sweep_runs (sweep_id, run_id)
            SELECT sm.dst_id, sr.run_id FROM src.sweep_runs sr JOIN temp.sweep_map sm ON sm.src_id = sr.sweep_id
            WHERE sr.run_id IN (SELECT run_id FROM main.runs);
            """, transaction: tx);
        long epochs = db.ExecuteScalar<long>("SELECT count(*) FROM src.epochs WHERE run_id IN (SELECT run_id FROM temp.better);", transaction: tx);
        return (added, replaced, total - added - replaced, epochs);
    }
}
