using System.Net.Sockets;
using System.Reflection;
using Dapper;
using Npgsql;
using Sweep.Kernel;

namespace Sweep.Storage.Postgres;

/// <summary>
/// Opens a results database on a PostgreSQL server: connects (a wrong address, user, password or
/// database is one input error naming host:port and database, within seconds), creates the schema
/// in an empty database, and refuses a database that holds another application's tables or a newer
/// Sweep's schema. The schema is that of the SQLite migrations of the same version
/// (<c>Storage/Postgres/NNN_schema.sql</c>, then one <c>NNN_name.sql</c> per later SQLite
/// migration, applied to older server databases when they are opened); its version is kept in the
/// table sweep_schema.
/// </summary>
internal static class PostgresDatabase
{
    private const string Prefix = "Sweep.Storage.Postgres.";

    /// <summary>The key of the advisory lock every write transaction takes (<see cref="BeginWrite"/>).</summary>
    private const long WriteLock = 0x5357_4545_5031; // "SWEEP1"

    // The schema as first created on servers (NNN_schema.sql), then each later change (NNN_name.sql),
    // numbered as the SQLite migration it mirrors.
    private static readonly IReadOnlyList<(int Version, string Name, string Sql)> Files = Load();

    private static readonly (int Version, string Name, string Sql) Schema = Files.First(f => f.Name.EndsWith("_schema.sql", StringComparison.Ordinal));

    private static readonly IReadOnlyList<(int Version, string Name, string Sql)> Changes = Files.Where(f => f.Version > Schema.Version).ToList();

    /// <summary>The schema version this build writes on a server (the same number as SQLite's).</summary>
    public static int LatestVersion => Changes.Count > 0 ? Changes[^1].Version : Schema.Version;

    /// <summary>Connects and checks the schema; to write, an empty database gets it. Null (with <paramref name="emptyIsNull"/>): a database without it, to read.</summary>
    public static NpgsqlConnection? Open(PostgresAddress address, bool forWriting, bool emptyIsNull = false)
    {
        var connection = new NpgsqlConnection(address.ConnectionString);
        try
        {
            connection.Open();
        }
        catch (Exception ex) when (ConnectFailure(ex, address) is { } message)
        {
            connection.Dispose();
            throw new SweepInputException(message);
        }
        try
        {
            int? version = StoredVersion(connection);
            if (version is null)
            {
                if (!forWriting && emptyIsNull)
                {
                    connection.Dispose();
                    return null;
                }
                if (!forWriting)
                {
                    throw new SweepInputException($"the database {address} holds no Sweep results yet; run a sweep with --db pointing at it first.");
                }
                Create(connection, address);
            }
            else if (version > LatestVersion)
            {
                throw new SweepInputException(
                    $"the database {address} was written by a newer Sweep (schema version {version}, this build knows up to {LatestVersion}); update Sweep, or give another database.");
            }
            else if (version < LatestVersion && forWriting)
            {
                Migrate(connection);
            }
            else if (version < LatestVersion)
            {
                // A reader never changes a server's schema under its writers; the next worker brings it up to date.
                throw new SweepInputException(
                    $"the database {address} has Sweep schema version {version}, this build reads {LatestVersion}; run a sweep against it with this Sweep (finished runs are not retrained) to bring it up to date.");
            }
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    // Asked of information_schema, which reads the statement's snapshot (to_regclass may answer from a stale catalog cache).
    private const string HasSchemaTable =
        "SELECT count(*) > 0 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'sweep_schema';";

    private static int? StoredVersion(NpgsqlConnection connection) =>
        connection.ExecuteScalar<bool>(HasSchemaTable)
            ? connection.ExecuteScalar<int>("SELECT version FROM sweep_schema;")
            : null;

    /// <summary>Creates the schema once, even when several workers start on an empty database together.</summary>
    private static void Create(NpgsqlConnection connection, PostgresAddress address)
    {
        using NpgsqlTransaction transaction = BeginWrite(connection);
        if (connection.ExecuteScalar<bool>(HasSchemaTable, transaction: transaction))
        {
            return; // another worker created it while this one waited for the lock
        }
        string? other = connection.QueryFirstOrDefault<string>(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY table_name LIMIT 1;", transaction: transaction);
        if (other is not null)
        {
            throw new SweepInputException(
                $"the database {address} holds tables that are not Sweep's (such as {other}); give Sweep an empty database of its own (createdb), or one a sweep wrote.");
        }
        connection.Execute(Schema.Sql, transaction: transaction);
        connection.Execute("CREATE TABLE sweep_schema (version integer NOT NULL); INSERT INTO sweep_schema VALUES (@LatestVersion);", new { LatestVersion }, transaction);
        transaction.Commit();
    }

    /// <summary>A write transaction on a server: it holds the one advisory lock until it ends, so writes are serialised as SQLite's are.</summary>
    public static NpgsqlTransaction BeginWrite(NpgsqlConnection connection)
    {
        NpgsqlTransaction transaction = connection.BeginTransaction();
        connection.Execute("SELECT pg_advisory_xact_lock(@WriteLock);", new { WriteLock }, transaction);
        return transaction;
    }

    /// <summary>Applies the changes after the stored version, once, under the write lock, in one transaction.</summary>
    private static void Migrate(NpgsqlConnection connection)
    {
        using NpgsqlTransaction transaction = BeginWrite(connection);
        int current = connection.ExecuteScalar<int>("SELECT version FROM sweep_schema;", transaction: transaction);
        foreach (var (version, _, sql) in Changes.Where(c => c.Version > current))
        {
            connection.Execute(sql, transaction: transaction);
            connection.Execute("UPDATE sweep_schema SET version = @version;", new { version }, transaction);
        }
        transaction.Commit();
    }

    /// <summary>One line for a failure to connect, naming what failed; null when it is not one.</summary>
    private static string? ConnectFailure(Exception ex, PostgresAddress a) => ex switch
    {
        PostgresException { SqlState: "28P01" } =>
            $"the PostgreSQL server at {a.Host}:{a.Port} refused user '{a.User}' for database '{a.Database}': wrong password (Sweep reads it from PGPASSWORD or ~/.pgpass).",
        PostgresException { SqlState: "28000" } pg =>
            $"the PostgreSQL server at {a.Host}:{a.Port} refused user '{a.User}' for database '{a.Database}' ({pg.MessageText}); check the user in --db and the server's pg_hba.conf.",
        PostgresException { SqlState: "3D000" } =>
            $"the database '{a.Database}' does not exist on the PostgreSQL server at {a.Host}:{a.Port}; create it (createdb -h {a.Host} -p {a.Port} {a.Database}) or correct the name in --db.",
        PostgresException pg =>
            $"the PostgreSQL server at {a.Host}:{a.Port} refused the connection to database '{a.Database}' ({pg.SqlState}: {pg.MessageText}).",
        NpgsqlException { InnerException: SocketException socket } =>
            $"cannot reach the PostgreSQL server at {a.Host}:{a.Port} ({socket.SocketErrorCode switch
            {
                SocketError.ConnectionRefused => "connection refused: nothing listens there",
                SocketError.HostNotFound or SocketError.TryAgain or SocketError.NoData => $"the host '{a.Host}' is not known",
                _ => socket.Message,
            }}); start the server, or correct the host and port in --db.",
        NpgsqlException { InnerException: TimeoutException } or TimeoutException =>
            $"the PostgreSQL server at {a.Host}:{a.Port} did not answer within 5 s; check the host and port in --db and that the server runs.",
        NpgsqlException npgsql when npgsql.Message.Contains("password", StringComparison.OrdinalIgnoreCase) =>
            $"the PostgreSQL server at {a.Host}:{a.Port} wants a password for user '{a.User}'; set PGPASSWORD or add a line to ~/.pgpass.",
        NpgsqlException npgsql =>
            $"cannot connect to the PostgreSQL server at {a.Host}:{a.Port} ({npgsql.Message.TrimEnd('.')}).",
        SocketException socket =>
            $"cannot reach the PostgreSQL server at {a.Host}:{a.Port} ({socket.Message}); start the server, or correct the host and port in --db.",
        _ => null,
    };

    private static IReadOnlyList<(int Version, string Name, string Sql)> Load()
    {
        Assembly assembly = typeof(PostgresDatabase).Assembly;
        return assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Select(n =>
            {
                using var reader = new StreamReader(assembly.GetManifestResourceStream(n)!);
                return (Version: int.Parse(n[Prefix.Length..].Split('_')[0], System.Globalization.CultureInfo.InvariantCulture), Name: n, Sql: reader.ReadToEnd());
            })
            .OrderBy(f => f.Version)
            .ToList();
    }
}
