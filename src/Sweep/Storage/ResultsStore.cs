using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;
using Npgsql;
using Sweep.Kernel;
using Sweep.Storage.Postgres;

namespace Sweep.Storage;

/// <summary>
/// One open results database, a SQLite file or a PostgreSQL server: its connection and the lock
/// that serialises every use of it. A connection is not thread-safe, and one store serves parallel
/// runs, the claim heartbeat's timer and the halving schedule at once, so repositories and read
/// models reach the connection only through <see cref="Read{T}"/> and <see cref="Write{T}"/>. The
/// SQL they run is the same for both; what differs (opening, the schema's version, how writes of
/// several workers are serialised) stays here.
/// </summary>
internal sealed class ResultsStore : IDisposable
{
    private readonly DbConnection _connection;
    private readonly PostgresAddress? _server;
    private readonly Lock _gate = new();

    private ResultsStore(DbConnection connection, string name, PostgresAddress? server)
    {
        _connection = connection;
        Name = name;
        _server = server;
    }

    /// <summary>The database as messages name it: the file path, or host:port/database.</summary>
    public string Name { get; }

    /// <summary>Whether this is a database server (PostgreSQL) rather than a SQLite file.</summary>
    public bool IsServer => _server is not null;

    /// <summary>Opens (creating if needed) a database to write, its schema brought up to date.</summary>
    public static ResultsStore OpenForWriting(string database) => DatabaseAddress.IsServer(database)
        ? Server(database, forWriting: true)
        : new(ResultsDatabase.OpenForWriting(database), database, null);

    /// <summary>Opens an existing database to read; a SQLite file of an older schema is read through an up-to-date copy in memory, the file untouched.</summary>
    public static ResultsStore OpenForReading(string database) => DatabaseAddress.IsServer(database)
        ? Server(database, forWriting: false)
        : new(ResultsDatabase.OpenForReading(database), database, null);

    /// <summary>Opens a database to read, or null when it holds nothing yet (no such file; a server database without Sweep's tables).</summary>
    public static ResultsStore? OpenIfRecorded(string database)
    {
        if (!DatabaseAddress.IsServer(database))
        {
            return File.Exists(database) ? OpenForReading(database) : null;
        }
        PostgresAddress address = PostgresAddress.Parse(database);
        return PostgresDatabase.Open(address, forWriting: false, emptyIsNull: true) is { } connection ? new(connection, address.ToString(), address) : null;
    }

    private static ResultsStore Server(string url, bool forWriting)
    {
        PostgresAddress address = PostgresAddress.Parse(url);
        return new(PostgresDatabase.Open(address, forWriting)!, address.ToString(), address);
    }

    public T Read<T>(Func<DbConnection, T> query)
    {
        lock (_gate)
        {
            return Guarded(() => query(_connection));
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> in one transaction that no other worker's write interleaves
    /// with: SQLite's immediate transaction takes the file's write lock at BEGIN (a busy database
    /// is waited for, never a deadlock of two read transactions upgrading); on a server every write
    /// transaction takes one advisory lock, so claims, takeovers and halving decisions see the same
    /// one-writer-at-a-time order as on a file.
    /// </summary>
    public T Write<T>(Func<DbConnection, DbTransaction, T> work)
    {
        lock (_gate)
        {
            return Guarded(() => InWriteTransaction(work));
        }
    }

    /// <summary>The one way a write transaction begins, runs and commits; the caller holds the gate.</summary>
    private T InWriteTransaction<T>(Func<DbConnection, DbTransaction, T> work)
    {
        using DbTransaction transaction = _connection switch
        {
            SqliteConnection sqlite => sqlite.BeginTransaction(deferred: false),
            NpgsqlConnection server => PostgresDatabase.BeginWrite(server),
            _ => throw new InvalidOperationException("not a results store connection"),
        };
        T result = work(_connection, transaction);
        transaction.Commit();
        return result;
    }

    public void Write(Action<DbConnection, DbTransaction> work) => Write((c, tx) =>
    {
        work(c, tx);
        return 0;
    });

    /// <summary>
    /// Runs <paramref name="work"/> in one immediate transaction with another SQLite file attached
    /// as schema <c>src</c> (SQLite attaches only outside a transaction), detached afterwards.
    /// </summary>
    public T WithAttached<T>(string path, Func<SqliteConnection, SqliteTransaction, T> work)
    {
        var sqlite = _connection as SqliteConnection ?? throw new InvalidOperationException("only a SQLite store attaches files");
        lock (_gate)
        {
            sqlite.Execute("ATTACH DATABASE @path AS src;", new { path = System.IO.Path.GetFullPath(path) });
            try
            {
                return InWriteTransaction((_, transaction) => work(sqlite, (SqliteTransaction)transaction));
            }
            finally
            {
                sqlite.Execute("DETACH DATABASE src;");
            }
        }
    }

    /// <summary>
    /// On a server: runs <paramref name="work"/> in one write transaction with the tables of the SQLite
    /// file at <paramref name="path"/> loaded into temporary tables src_* (dropped at commit).
    /// </summary>
    public T WithSourceTables<T>(string path, IReadOnlyList<string> tables, Func<DbConnection, DbTransaction, T> work) => Write((connection, transaction) =>
    {
        using var file = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        file.Open();
        foreach (string table in tables)
        {
            connection.Execute($"DROP TABLE IF EXISTS pg_temp.src_{table}; CREATE TEMP TABLE src_{table} (LIKE {table}) ON COMMIT DROP;", transaction: transaction);
            TableRows.Copy(file, table, connection, transaction, "src_" + table, table);
        }
        return work(connection, transaction);
    });

    /// <summary>A server that stopped answering is one error naming it; the connection is not reused.</summary>
    private T Guarded<T>(Func<T> work)
    {
        try
        {
            return work();
        }
        catch (NpgsqlException ex) when (_server is { } server && StoreFailure.IsServerGone(ex))
        {
            throw new StoreUnavailableException(server.ToString(), ex);
        }
        catch (InvalidOperationException ex) when (_server is { } server && _connection.State != System.Data.ConnectionState.Open)
        {
            // The connection broke on an earlier statement (another thread's): it is not reopened mid-sweep.
            throw new StoreUnavailableException(server.ToString(), ex);
        }
    }

    public void Dispose() => _connection.Dispose();
}

/// <summary>The database server stopped answering mid-sweep: the sweep stops; every epoch already written is kept.</summary>
internal sealed class StoreUnavailableException(string server, Exception inner)
    : Exception($"lost the PostgreSQL server at {server} ({inner.Message.TrimEnd('.')}); every epoch written before stays stored: run the same command again once the server is back to continue", inner);
