using Dapper;
using Microsoft.Data.Sqlite;
using Sweep.Kernel;

namespace Sweep.Exporting;

/// <summary>
/// Writes a study into a SQLite file in the RDB storage schema of Optuna 3.1 (schema version 12,
/// alembic revision v3.0.0.d). A new file is built beside its target and renamed into place; into
/// an existing Optuna storage of that revision the study is written in one transaction, replacing
/// a study of the same name only when Sweep wrote it (a study system attribute says so); a study
/// Optuna or another tool wrote, and any other existing file, are refused and left as they were.
/// </summary>
internal static class OptunaStorageWriter
{
    public const string Revision = "v3.0.0.d";
    public const int SchemaVersion = 12;

    /// <summary>The study system attribute that marks a study as Sweep's export, which a later export may replace.</summary>
    public const string WrittenByKey = "sweep:exported_from";

    public static void Write(OptunaStudy study, string path)
    {
        if (File.Exists(path))
        {
            using SqliteConnection existing = Open(path, SqliteOpenMode.ReadWrite);
            CheckIsOptuna(existing, path);
            Insert(existing, study, path);
            return;
        }
        AtomicFile.WriteVia(path, temp =>
        {
            using (SqliteConnection created = Open(temp, SqliteOpenMode.ReadWriteCreate))
            {
                created.Execute(Schema());
                Insert(created, study, path);
            }
            SqliteConnection.ClearAllPools();
        });
    }

    private static void CheckIsOptuna(SqliteConnection connection, string path)
    {
        string[] tables;
        try
        {
            tables = connection.Query<string>("SELECT name FROM sqlite_master WHERE type = 'table';").ToArray();
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode is 26 or 11)
        {
            throw new SweepInputException($"'{path}' exists and is not an SQLite file, so not an Optuna storage; choose another --out or delete it.");
        }
        if (!tables.Contains("alembic_version") || !tables.Contains("studies") || !tables.Contains("trials"))
        {
            throw new SweepInputException($"'{path}' exists and is not an Optuna storage (it has no Optuna tables); choose another --out or delete it.");
        }
        string? revision = connection.QueryFirstOrDefault<string>("SELECT version_num FROM alembic_version;");
        if (revision != Revision)
        {
            throw new SweepInputException($"'{path}' is an Optuna storage of another version (revision {revision ?? "none"}, this export writes {Revision}, Optuna 3.1); export into a new file.");
        }
    }

    private static void Insert(SqliteConnection connection, OptunaStudy study, string path)
    {
        using SqliteTransaction tx = connection.BeginTransaction();
        long? old = connection.QueryFirstOrDefault<long?>("SELECT study_id FROM studies WHERE study_name = @Name;", new { study.Name }, tx);
        if (old is { } studyId)
        {
            bool ours = connection.ExecuteScalar<long>("SELECT count(*) FROM study_system_attributes WHERE study_id = @studyId AND key = @WrittenByKey;",
                new { studyId, WrittenByKey }, tx) > 0;
            if (!ours)
            {
                throw new SweepInputException($"'{path}' already holds a study named '{study.Name}' that Sweep did not write, and Sweep never replaces one; export into another file (--out).");
            }
            const string OfStudy = "SELECT trial_id FROM trials WHERE study_id = @studyId";
            foreach (string table in new[] { "trial_params", "trial_values", "trial_intermediate_values", "trial_user_attributes", "trial_system_attributes", "trial_heartbeats" })
            {
                connection.Execute($"DELETE FROM {table} WHERE trial_id IN ({OfStudy});", new { studyId }, tx);
            }
            foreach (string table in new[] { "trials", "study_directions", "study_user_attributes", "study_system_attributes", "studies" })
            {
                connection.Execute($"DELETE FROM {table} WHERE study_id = @studyId;", new { studyId }, tx);
            }
        }
        long id = connection.ExecuteScalar<long>("INSERT INTO studies (study_name) VALUES (@Name) RETURNING study_id;", new { study.Name }, tx);
        connection.Execute("INSERT INTO study_directions (direction, study_id, objective) VALUES (@Direction, @id, 0);", new { study.Direction, id }, tx);
        connection.Execute("INSERT INTO study_user_attributes (study_id, key, value_json) VALUES (@id, 'metric', @Metric);",
            new { id, Metric = System.Text.Json.JsonSerializer.Serialize(study.Metric) }, tx);
        connection.Execute("INSERT INTO study_system_attributes (study_id, key, value_json) VALUES (@id, @WrittenByKey, @Sweep);",
            new { id, WrittenByKey, Sweep = System.Text.Json.JsonSerializer.Serialize(study.Name) }, tx);
        foreach (OptunaTrial trial in study.Trials)
        {
            long trialId = connection.ExecuteScalar<long>(
                "INSERT INTO trials (number, study_id, state, datetime_start, datetime_complete) VALUES (@Number, @id, @State, @Start, @Complete) RETURNING trial_id;",
                new { trial.Number, id, trial.State, trial.Start, trial.Complete }, tx);
            if (trial.Value is { } value)
            {
                var (stored, type) = Stored(value);
                connection.Execute("INSERT INTO trial_values (trial_id, objective, value, value_type) VALUES (@trialId, 0, @stored, @type);",
                    new { trialId, stored, type }, tx);
            }
            connection.Execute("INSERT INTO trial_intermediate_values (trial_id, step, intermediate_value, intermediate_value_type) VALUES (@trialId, @Step, @Value, @Type);",
                trial.Intermediate.Select(p => (p, s: Stored(p.Value))).Select(x => new { trialId, x.p.Step, Value = x.s.Value, Type = x.s.Type }), tx);
            connection.Execute("INSERT INTO trial_params (trial_id, param_name, param_value, distribution_json) VALUES (@trialId, @Name, @Value, @Distribution);",
                trial.Params.Select(p => new { trialId, p.Name, p.Value, p.Distribution }), tx);
            connection.Execute("INSERT INTO trial_user_attributes (trial_id, key, value_json) VALUES (@trialId, @Key, @Json);",
                trial.UserAttributes.Select(a => new { trialId, a.Key, a.Json }), tx);
        }
        tx.Commit();
    }

    /// <summary>How Optuna stores a float: finite values as they are, the rest as a type with NULL.</summary>
    private static (double? Value, string Type) Stored(double value) => value switch
    {
        double.PositiveInfinity => (null, "INF_POS"),
        double.NegativeInfinity => (null, "INF_NEG"),
        _ when double.IsNaN(value) => (null, "NAN"),
        _ => (value, "FINITE"),
    };

    private static SqliteConnection Open(string path, SqliteOpenMode mode)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = mode, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    private static string Schema()
    {
        using var reader = new StreamReader(typeof(OptunaStorageWriter).Assembly.GetManifestResourceStream("optuna/optuna-3.1-schema.sql")!);
        return reader.ReadToEnd();
    }
}
