using Dapper;
using Microsoft.Data.Sqlite;

namespace Sweep.Tests.Support;

/// <summary>Reads a results database the way a person with a SQLite browser would, read-only.</summary>
internal static class ResultsFile
{
    public static T Scalar<T>(string path, string sql)
    {
        using var connection = Open(path);
        return connection.ExecuteScalar<T>(sql)!;
    }

    public static List<T> Query<T>(string path, string sql)
    {
        using var connection = Open(path);
        return connection.Query<T>(sql).ToList();
    }

    /// <summary>Like <see cref="Scalar{T}"/>, but 0 while the file or its tables do not exist yet.</summary>
    public static long CountOrZero(string path, string sql)
    {
        if (!File.Exists(path))
        {
            return 0;
        }
        try
        {
            return Scalar<long>(path, sql);
        }
        catch (SqliteException)
        {
            return 0;
        }
    }

    /// <summary>Whether a writer could take the write lock right now (nobody is inside a write transaction).</summary>
    public static bool WriteLockIsFree(string path)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False;Default Timeout=1");
        connection.Open();
        connection.Execute("PRAGMA busy_timeout = 0;");
        try
        {
            connection.Execute("BEGIN IMMEDIATE; ROLLBACK;");
            return true;
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode is 5 or 6)
        {
            return false;
        }
    }

    private static SqliteConnection Open(string path)
    {
        var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False;Default Timeout=10");
        connection.Open();
        return connection;
    }
}
