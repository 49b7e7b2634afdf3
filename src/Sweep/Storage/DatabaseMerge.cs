using Dapper;
using Microsoft.Data.Sqlite;

namespace Sweep.Storage;

/// <summary>
/// The SQL that copies one attached results database (schema <c>src</c>) into the open one: every
/// table the schema defines, ids remapped where they are local to a file. <see cref="Tables"/> is
/// the list a test compares with the schema, so a migration that adds a table fails the suite until
/// merge knows it.
/// </summary>
internal static class DatabaseMerge
{
    /// <summary>Every table this merge carries (all of the schema's).</summary>
    public static IReadOnlyList<string> Tables { get; } =
        ["sweeps", "sweep_plan", "environments", "runs", "epochs", "sweep_runs", "halving_decisions", "lr_finds", "lr_find_points", "noise_scales"];

    // Completed over diverged over pruned over interrupted, failed or running; then more epochs.
    private const string Rank =
        "(CASE {0}.status WHEN 'completed' THEN 5 WHEN 'diverged' THEN 4 WHEN 'pruned' THEN 3 WHEN 'interrupted' THEN 2 WHEN 'failed' THEN 1 ELSE 0 END * 1000000 " +
        "+ (SELECT count(*) FROM {1}.epochs x WHERE x.run_id = {0}.run_id))";

    /// <summary>
    /// Copies every table of the database at <paramref name="sourcePath"/> into <paramref name="target"/>
    /// in one transaction. A source of an older schema is copied from an up-to-date copy; the file is not changed.
    /// </summary>
    public static (int Added, int Replaced, int Kept, long Epochs) CopyFrom(ResultsStore target, string sourcePath)
    {
        var (path, temporary) = ResultsDatabase.UpToDateFile(sourcePath);
        try
        {
            return target.WithAttached(path, CopyAttached);
        }
        finally
        {
            if (temporary)
            {
                File.Delete(path);
            }
        }
    }

    /// <summary>Copies <c>src</c> into <c>main</c> inside <paramref name="tx"/>.</summary>
    private static (int Added, int Replaced, int Kept, long Epochs) CopyAttached(SqliteConnection db, SqliteTransaction tx)
    {
        string[] runColumns = db.Query<string>("SELECT name FROM pragma_table_info('runs');", transaction: tx).ToArray();
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

        CopyHalvingDecisions(db, tx);
        CopyLrFinds(db, tx);
        // Keyed by sweep, run, state and time, none of them local to a file.
        db.Execute("INSERT OR IGNORE INTO main.noise_scales SELECT * FROM src.noise_scales;", transaction: tx);
        return (added, replaced, total - added - replaced, epochs);
    }

    // A decision is keyed by plan, run and rung, none of them local to a file: the first copy stays,
    // so a sweep rerun on the merged file reads the decisions its shards made instead of deciding again.
    private static void CopyHalvingDecisions(SqliteConnection db, SqliteTransaction tx) => db.Execute("""
        INSERT OR IGNORE INTO main.halving_decisions
            (halving_key, run_id, rung_epoch, metric, value, configuration_mean, group_name, rank, kept, decided_at)
        SELECT halving_key, run_id, rung_epoch, metric, value, configuration_mean, group_name, rank, kept, decided_at
        FROM src.halving_decisions;
        """, transaction: tx);

    // An LR range test is one (sweep, batch size, start time, settings); its id is local to a file.
    private static void CopyLrFinds(SqliteConnection db, SqliteTransaction tx) => db.Execute("""
        DROP TABLE IF EXISTS temp.lr_find_new;
        CREATE TEMP TABLE lr_find_new AS SELECT s.lr_find_id AS src_id FROM src.lr_finds s
        WHERE NOT EXISTS (SELECT 1 FROM main.lr_finds m WHERE m.sweep_name = s.sweep_name AND m.batch_size = s.batch_size
                          AND m.started_at = s.started_at AND m.config_json = s.config_json);
        DROP TABLE IF EXISTS temp.lr_find_map;
        CREATE TEMP TABLE lr_find_map (src_id INTEGER PRIMARY KEY, dst_id INTEGER NOT NULL);
        INSERT INTO main.lr_finds (sweep_name, batch_size, config_json, started_at, start_lr, end_lr, steps, stopped_early,
                                   suggested_lr_steepest, suggested_lr_min_tenth)
        SELECT sweep_name, batch_size, config_json, started_at, start_lr, end_lr, steps, stopped_early, suggested_lr_steepest, suggested_lr_min_tenth
        FROM src.lr_finds WHERE lr_find_id IN (SELECT src_id FROM temp.lr_find_new) ORDER BY lr_find_id;
        INSERT INTO temp.lr_find_map (src_id, dst_id)
        SELECT s.lr_find_id, m.lr_find_id FROM src.lr_finds s JOIN main.lr_finds m
          ON m.sweep_name = s.sweep_name AND m.batch_size = s.batch_size AND m.started_at = s.started_at AND m.config_json = s.config_json
        WHERE s.lr_find_id IN (SELECT src_id FROM temp.lr_find_new);
        INSERT INTO main.lr_find_points (lr_find_id, step, lr, loss, smoothed_loss)
        SELECT mp.dst_id, p.step, p.lr, p.loss, p.smoothed_loss FROM src.lr_find_points p JOIN temp.lr_find_map mp ON mp.src_id = p.lr_find_id;
        """, transaction: tx);
}
