using Dapper;
using Microsoft.Data.Sqlite;

namespace Sweep.Storage;

/// <summary>
/// One open results database: its connection and the lock that serialises every use of it. A
/// SQLite connection is not thread-safe, and one store serves parallel runs, the claim heartbeat's
/// timer and the halving schedule at once, so repositories and read models reach the connection
/// only through <see cref="Read{T}"/> and <see cref="Write{T}"/>.
/// </summary>
internal sealed class ResultsStore : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly Lock _gate = new();

    private ResultsStore(SqliteConnection connection, string path)
    {
        _connection = connection;
        Path = path;
    }

    /// <summary>The database file as the user named it (for messages).</summary>
    public string Path { get; }

    /// <summary>Opens (creating if needed) a database to write, its schema brought up to date.</summary>
    public static ResultsStore OpenForWriting(string path) => new(ResultsDatabase.OpenForWriting(path), path);

    /// <summary>Opens an existing database to read; one of an older schema is read through an up-to-date copy in memory, the file untouched.</summary>
    public static ResultsStore OpenForReading(string path) => new(ResultsDatabase.OpenForReading(path), path);

    public T Read<T>(Func<SqliteConnection, T> query)
    {
        lock (_gate)
        {
            return query(_connection);
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> in one immediate transaction: the write lock is taken at BEGIN,
    /// so two workers never deadlock upgrading read transactions, and a busy database is waited for
    /// (busy_timeout) instead of failing.
    /// </summary>
    public T Write<T>(Func<SqliteConnection, SqliteTransaction, T> work)
    {
        lock (_gate)
        {
            using SqliteTransaction transaction = _connection.BeginTransaction(deferred: false);
            T result = work(_connection, transaction);
            transaction.Commit();
            return result;
        }
    }

    public void Write(Action<SqliteConnection, SqliteTransaction> work) => Write((c, tx) =>
    {
        work(c, tx);
        return 0;
    });

    /// <summary>
    /// Runs <paramref name="work"/> in one immediate transaction with another database file attached
    /// as schema <c>src</c> (SQLite attaches only outside a transaction), detached afterwards.
    /// </summary>
    public T WithAttached<T>(string path, Func<SqliteConnection, SqliteTransaction, T> work)
    {
        lock (_gate)
        {
            _connection.Execute("ATTACH DATABASE @path AS src;", new { path = System.IO.Path.GetFullPath(path) });
            try
            {
                using SqliteTransaction transaction = _connection.BeginTransaction(deferred: false);
                T result = work(_connection, transaction);
                transaction.Commit();
                return result;
            }
            finally
            {
                _connection.Execute("DETACH DATABASE src;");
            }
        }
    }

    public void Dispose() => _connection.Dispose();
}
