using Dapper;
using Microsoft.Data.Sqlite;
using Sweep.Planning;
using Sweep.Spec;

namespace Sweep.Storage;

/// <summary>
/// Gives runs recorded before schema version 4 their configuration key, computed from the
/// settings stored with them exactly as a new run's is, so old and new seeds of one
/// configuration group together in <c>config_summary</c>.
/// </summary>
internal static class ConfigKeyBackfill
{
    public static void Apply(SqliteConnection connection)
    {
        var missing = connection.Query<(string RunId, string Json)>("SELECT run_id, config_json FROM runs WHERE config_key IS NULL;").ToList();
        if (missing.Count == 0)
        {
            return;
        }
        using SqliteTransaction transaction = connection.BeginTransaction();
        foreach (var (runId, json) in missing)
        {
            // A record this build cannot read keeps its own id as key: never pooled with others.
            string key = RunConfig.FromJson(json) is { } config ? RunIdentity.ConfigurationKey(config) : "run:" + runId;
            connection.Execute("UPDATE runs SET config_key = @key WHERE run_id = @runId;", new { key, runId }, transaction);
        }
        transaction.Commit();
    }
}
