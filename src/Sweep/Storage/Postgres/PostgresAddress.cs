using Npgsql;
using Sweep.Kernel;

namespace Sweep.Storage.Postgres;

/// <summary>
/// A PostgreSQL database named by a URL, postgresql://user@host:port/name. The password never
/// appears in it: libpq's PGPASSWORD or ~/.pgpass (PGPASSFILE) supply it, as for psql, so it is
/// not in shell history, process lists, logs or the sweep's stored command line.
/// </summary>
internal sealed record PostgresAddress(string Host, int Port, string User, string Database, SslMode Ssl = SslMode.Prefer)
{
    public const int DefaultPort = 5432;

    /// <summary>How messages name it: host:port/database.</summary>
    public override string ToString() => $"{Host}:{Port}/{Database}";

    public static PostgresAddress Parse(string url)
    {
        string scheme = url[..url.IndexOf("://", StringComparison.Ordinal)];
        if (scheme is not ("postgresql" or "postgres"))
        {
            throw new SweepInputException($"--db '{Redacted(url)}': '{scheme}' is not a database Sweep knows; give postgresql://user@host:port/name for a PostgreSQL server, or a file path for SQLite.");
        }
        if (!Uri.TryCreate(url, UriKind.Absolute, out Uri? uri) || uri.Host.Length == 0)
        {
            throw new SweepInputException($"--db '{Redacted(url)}' is not a URL of the form postgresql://user@host:port/name.");
        }
        string[] userInfo = Uri.UnescapeDataString(uri.UserInfo).Split(':', 2);
        if (userInfo.Length == 2)
        {
            throw new SweepInputException($"--db {Redacted(url)}: put the password in PGPASSWORD or ~/.pgpass, not in the URL (a URL shows in process lists and logs).");
        }
        string database = Uri.UnescapeDataString(uri.AbsolutePath.Trim('/'));
        if (database.Length == 0 || database.Contains('/'))
        {
            throw new SweepInputException($"--db '{Redacted(url)}' names no database; give postgresql://user@host:port/name.");
        }
        string user = userInfo[0].Length > 0 ? userInfo[0] : Environment.GetEnvironmentVariable("PGUSER") ?? Environment.UserName;
        return new PostgresAddress(uri.Host, uri.IsDefaultPort || uri.Port < 0 ? DefaultPort : uri.Port, user, database, SslOf(uri.Query, url));
    }

    /// <summary>The one option a URL may carry, as libpq spells it: ?sslmode=disable|allow|prefer|require|verify-ca|verify-full.</summary>
    private static SslMode SslOf(string query, string url)
    {
        if (query.Length == 0)
        {
            return SslMode.Prefer;
        }
        string[] pair = Uri.UnescapeDataString(query.TrimStart('?')).Split('=', 2);
        SslMode? mode = pair is ["sslmode", var value] ? value switch
        {
            "disable" => SslMode.Disable,
            "allow" => SslMode.Allow,
            "prefer" => SslMode.Prefer,
            "require" => SslMode.Require,
            "verify-ca" => SslMode.VerifyCA,
            "verify-full" => SslMode.VerifyFull,
            _ => null,
        } : null;
        return mode ?? throw new SweepInputException(
            $"--db '{Redacted(url)}': the only option read after '?' is sslmode=disable, allow, prefer, require, verify-ca or verify-full.");
    }

    /// <summary>The connection string: no password (Npgsql reads PGPASSWORD and the passfile), short timeouts so a wrong address fails in seconds.</summary>
    public string ConnectionString => new NpgsqlConnectionStringBuilder
    {
        Host = Host,
        Port = Port,
        Username = User,
        Database = Database,
        SslMode = Ssl,
        Timeout = 5,
        CommandTimeout = 60,
        // One connection per store, opened once; pooling would keep dead server connections after a restart.
        Pooling = false,
        ApplicationName = "sweep",
        IncludeErrorDetail = false,
    }.ConnectionString;

    /// <summary>The URL with any password replaced, for messages.</summary>
    private static string Redacted(string url) =>
        System.Text.RegularExpressions.Regex.Replace(url, @"(://[^:/@]*):[^@/]*@", "$1:***@");
}
