using System.Data.Common;
using Dapper;
using Sweep.Kernel;

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
    private static string Rank(string run, string epochs) =>
        $"(CASE {run}.status WHEN 'completed' THEN 5 WHEN 'diverged' THEN 4 WHEN 'pruned' THEN 3 WHEN 'interrupted' THEN 2 WHEN 'failed' THEN 1 ELSE 0 END * 1000000 " +
        $"+ (SELECT count(*) FROM {epochs} x WHERE x.run_id = {run}.run_id))";

    /// <summary>
    /// Where the merge SQL finds the source's tables, the target's and its scratch tables: on a file,
    /// the source is attached as schema src; on a server it is loaded into temporary tables src_*.
    /// </summary>
    private sealed record Names(Func<string, string> Src, Func<string, string> Main, Func<string, string> Temp, string RunColumns);

    private static readonly Names OnFile = new(t => "src." + t, t => "main." + t, t => "temp." + t, "SELECT name FROM pragma_table_info('runs');");

    private static readonly Names OnServer = new(t => "src_" + t, t => t, t => "pg_temp." + t,
        "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'runs' ORDER BY ordinal_position;");

    /// <summary>
    /// Copies every table of <paramref name="source"/> (a file, or a server's database) into
    /// <paramref name="target"/> (a file or a server) in one transaction. A file of an older schema is
    /// copied from an up-to-date copy and a server's tables from a copy in a temporary file; neither
    /// source is changed.
    /// </summary>
    public static (int Added, int Replaced, int Kept, long Epochs) CopyFrom(ResultsStore target, string source)
    {
        var (path, temporary) = DatabaseAddress.IsServer(source) ? (ServerToFile(source), true) : ResultsDatabase.UpToDateFile(source);
        try
        {
            return target.IsServer
                ? target.WithSourceTables(path, Tables, (c, tx) => Copy(c, tx, OnServer))
                : target.WithAttached(path, (c, tx) => Copy(c, tx, OnFile));
        }
        finally
        {
            if (temporary)
            {
                foreach (string file in new[] { path, path + "-wal", path + "-shm" }.Where(File.Exists))
                {
                    File.Delete(file);
                }
            }
        }
    }

    /// <summary>A server database's tables, rows and ids as they are, in a new file of the same schema.</summary>
    private static string ServerToFile(string url)
    {
        string copy = Path.Combine(Path.GetTempPath(), $"sweep-server-copy-{Guid.NewGuid():N}.db");
        using ResultsStore server = ResultsStore.OpenForReading(url);
        using ResultsStore file = ResultsStore.OpenForWriting(copy);
        server.Read(source =>
        {
            file.Write((destination, tx) =>
            {
                foreach (string table in Tables)
                {
                    TableRows.Copy(source, table, destination, tx, table, table);
                }
            });
            return 0;
        });
        return copy;
    }

    /// <summary>Copies the source's tables into the target's inside <paramref name="tx"/>; the same SQL on a file and on a server.</summary>
    private static (int Added, int Replaced, int Kept, long Epochs) Copy(DbConnection db, DbTransaction tx, Names n)
    {
        string[] runColumns = db.Query<string>(n.RunColumns, transaction: tx).ToArray();
        const string SameSweep = "m.name = s.name AND m.started_at = s.started_at AND m.file_path = s.file_path";
        db.Execute($"""
            INSERT INTO {n.Main("sweeps")} (name, file_path, file_contents, started_at, finished_at, varying_settings, reference_path, reference_csv)
            SELECT s.name, s.file_path, s.file_contents, s.started_at, s.finished_at, s.varying_settings, s.reference_path, s.reference_csv FROM {n.Src("sweeps")} s
            WHERE NOT EXISTS (SELECT 1 FROM {n.Main("sweeps")} m WHERE {SameSweep});
            UPDATE {n.Main("sweeps")} AS m SET finished_at = (SELECT s.finished_at FROM {n.Src("sweeps")} s WHERE {SameSweep})
            WHERE m.finished_at IS NULL AND EXISTS (SELECT 1 FROM {n.Src("sweeps")} s WHERE {SameSweep} AND s.finished_at IS NOT NULL);
            DROP TABLE IF EXISTS {n.Temp("sweep_map")};
            CREATE TEMP TABLE sweep_map AS SELECT s.sweep_id AS src_id, m.sweep_id AS dst_id FROM {n.Src("sweeps")} s JOIN {n.Main("sweeps")} m ON {SameSweep};
            INSERT INTO {n.Main("sweep_plan")} (sweep_id, position, run_id)
            SELECT sm.dst_id, p.position, p.run_id FROM {n.Src("sweep_plan")} p JOIN {n.Temp("sweep_map")} sm ON sm.src_id = p.sweep_id WHERE true
            ON CONFLICT DO NOTHING;
            INSERT INTO {n.Main("environments")} (sweep_id, recorded_at, host, os, cpu_model, gpu_name, device, thread_count, torch_version, torchsharp_version, dotnet_version, git_commit)
            SELECT sm.dst_id, e.recorded_at, e.host, e.os, e.cpu_model, e.gpu_name, e.device, e.thread_count, e.torch_version, e.torchsharp_version, e.dotnet_version, e.git_commit
            FROM {n.Src("environments")} e JOIN {n.Temp("sweep_map")} sm ON sm.src_id = e.sweep_id
            WHERE NOT EXISTS (SELECT 1 FROM {n.Main("environments")} m WHERE m.sweep_id = sm.dst_id AND m.recorded_at = e.recorded_at AND m.host = e.host);
            DROP TABLE IF EXISTS {n.Temp("env_map")};
            CREATE TEMP TABLE env_map AS SELECT e.environment_id AS src_id, m.environment_id AS dst_id
            FROM {n.Src("environments")} e JOIN {n.Temp("sweep_map")} sm ON sm.src_id = e.sweep_id
            JOIN {n.Main("environments")} m ON m.sweep_id = sm.dst_id AND m.recorded_at = e.recorded_at AND m.host = e.host;
            DROP TABLE IF EXISTS {n.Temp("better")};
            CREATE TEMP TABLE better AS
            SELECT r.run_id, CASE WHEN EXISTS (SELECT 1 FROM {n.Main("runs")} m WHERE m.run_id = r.run_id) THEN 1 ELSE 0 END AS existed FROM {n.Src("runs")} r
            WHERE NOT EXISTS (SELECT 1 FROM {n.Main("runs")} m WHERE m.run_id = r.run_id)
               OR {Rank("r", n.Src("epochs"))} > (SELECT {Rank("m", n.Main("epochs"))} FROM {n.Main("runs")} m WHERE m.run_id = r.run_id);
            """, transaction: tx);

        int added = db.ExecuteScalar<int>($"SELECT count(*) FROM {n.Temp("better")} WHERE existed = 0;", transaction: tx);
        int replaced = db.ExecuteScalar<int>($"SELECT count(*) FROM {n.Temp("better")} WHERE existed = 1;", transaction: tx);
        int total = db.ExecuteScalar<int>($"SELECT count(*) FROM {n.Src("runs")};", transaction: tx);

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
            DELETE FROM {n.Main("epochs")} WHERE run_id IN (SELECT run_id FROM {n.Temp("better")});
            INSERT INTO {n.Main("runs")} ({columns})
            SELECT {values} FROM {n.Src("runs")} r JOIN {n.Temp("sweep_map")} sm ON sm.src_id = r.sweep_id LEFT JOIN {n.Temp("env_map")} em ON em.src_id = r.environment_id
            WHERE r.run_id IN (SELECT run_id FROM {n.Temp("better")}) AND true
            ON CONFLICT (run_id) DO UPDATE SET {updates};
            INSERT INTO {n.Main("epochs")} SELECT * FROM {n.Src("epochs")} WHERE run_id IN (SELECT run_id FROM {n.Temp("better")});
            INSERT INTO {n.Main("sweep_runs")} (sweep_id, run_id)
            SELECT sm.dst_id, sr.run_id FROM {n.Src("sweep_runs")} sr JOIN {n.Temp("sweep_map")} sm ON sm.src_id = sr.sweep_id
            WHERE sr.run_id IN (SELECT run_id FROM {n.Main("runs")})
            ON CONFLICT DO NOTHING;
            """, transaction: tx);
        long epochs = db.ExecuteScalar<long>($"SELECT count(*) FROM {n.Src("epochs")} WHERE run_id IN (SELECT run_id FROM {n.Temp("better")});", transaction: tx);

        // A decision is keyed by plan, run and rung, none of them local to a file: the first copy stays,
        // so a sweep rerun on the merged database reads the decisions its shards made instead of deciding again.
        db.Execute($"""
            INSERT INTO {n.Main("halving_decisions")}
                (halving_key, run_id, rung_epoch, metric, value, configuration_mean, group_name, rank, kept, decided_at)
            SELECT halving_key, run_id, rung_epoch, metric, value, configuration_mean, group_name, rank, kept, decided_at
            FROM {n.Src("halving_decisions")} WHERE true
            ON CONFLICT DO NOTHING;
            """, transaction: tx);
        CopyLrFinds(db, tx, n);
        // Keyed by sweep, run, state and time, none of them local to a file.
        db.Execute($"INSERT INTO {n.Main("noise_scales")} SELECT * FROM {n.Src("noise_scales")} WHERE true ON CONFLICT DO NOTHING;", transaction: tx);
        return (added, replaced, total - added - replaced, epochs);
    }

    // An LR range test is one (sweep, batch size, start time, settings); its id is local to a database.
    private static void CopyLrFinds(DbConnection db, DbTransaction tx, Names n) => db.Execute($"""
        DROP TABLE IF EXISTS {n.Temp("lr_find_new")};
        CREATE TEMP TABLE lr_find_new AS SELECT s.lr_find_id AS src_id FROM {n.Src("lr_finds")} s
        WHERE NOT EXISTS (SELECT 1 FROM {n.Main("lr_finds")} m WHERE m.sweep_name = s.sweep_name AND m.batch_size = s.batch_size
                          AND m.started_at = s.started_at AND m.config_json = s.config_json);
        DROP TABLE IF EXISTS {n.Temp("lr_find_map")};
        CREATE TEMP TABLE lr_find_map (src_id BIGINT PRIMARY KEY, dst_id BIGINT NOT NULL);
        INSERT INTO {n.Main("lr_finds")} (sweep_name, batch_size, config_json, started_at, start_lr, end_lr, steps, stopped_early,
                                   suggested_lr_steepest, suggested_lr_min_tenth)
        SELECT sweep_name, batch_size, config_json, started_at, start_lr, end_lr, steps, stopped_early, suggested_lr_steepest, suggested_lr_min_tenth
        FROM {n.Src("lr_finds")} WHERE lr_find_id IN (SELECT src_id FROM {n.Temp("lr_find_new")}) ORDER BY lr_find_id;
        INSERT INTO {n.Temp("lr_find_map")} (src_id, dst_id)
        SELECT s.lr_find_id, m.lr_find_id FROM {n.Src("lr_finds")} s JOIN {n.Main("lr_finds")} m
          ON m.sweep_name = s.sweep_name AND m.batch_size = s.batch_size AND m.started_at = s.started_at AND m.config_json = s.config_json
        WHERE s.lr_find_id IN (SELECT src_id FROM {n.Temp("lr_find_new")});
        INSERT INTO {n.Main("lr_find_points")} (lr_find_id, step, lr, loss, smoothed_loss)
        SELECT mp.dst_id, p.step, p.lr, p.loss, p.smoothed_loss FROM {n.Src("lr_find_points")} p JOIN {n.Temp("lr_find_map")} mp ON mp.src_id = p.lr_find_id;
        """, transaction: tx);
}
