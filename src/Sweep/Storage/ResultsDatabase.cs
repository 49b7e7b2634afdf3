using System.Reflection;
using Dapper;
using Microsoft.Data.Sqlite;
using Sweep.Kernel;

namespace Sweep.Storage;

/// <summary>
/// Opens the results database: WAL journal and a busy timeout so a SQLite browser or the report
/// can read while a sweep writes, foreign keys on, and the embedded migrations applied in order.
/// The applied version is kept in PRAGMA user_version.
/// </summary>
internal static class ResultsDatabase
{
    private const string MigrationPrefix = "Sweep.Storage.Migrations.";

    public static int LatestVersion => Migrations.Count;

    private static IReadOnlyList<(int Version, string Sql)> Migrations { get; } = LoadMigrations();

    /// <summary>The schema version a database file holds (0: not a Sweep database).</summary>
    public static int SchemaVersion(SqliteConnection connection) => connection.ExecuteScalar<int>("PRAGMA user_version;");

    /// <summary>Opens (creating if needed) a database for writing and brings its schema up to date.</summary>
    public static SqliteConnection OpenForWriting(string path)
    {
        OutputFolder.EnsureFor(path, "results database", "results.db");
        SqliteConnection connection = Open(path, SqliteOpenMode.ReadWriteCreate);
        try
        {
            // Refuse a newer schema and a damaged file before changing anything, the journal mode included.
            CheckNotNewer(SchemaVersion(connection), path);
            CheckIntact(connection, path);
            connection.Execute("PRAGMA journal_mode = WAL;");
            Migrate(connection, path);
            CheckShape(connection, LatestVersion, path);
            ConfigKeyBackfill.Apply(connection);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
        return connection;
    }

    /// <summary>
    /// Refuses a damaged file before anything is written to it: SQLite finds damage only on the pages
    /// a statement reads, so a sweep could otherwise add its rows and fail later. quick_check reads
    /// every page once (milliseconds for a results database of thousands of epochs).
    /// </summary>
    private static void CheckIntact(SqliteConnection connection, string path)
    {
        string? verdict;
        try
        {
            verdict = connection.ExecuteScalar<string>("PRAGMA quick_check(1);");
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == Damaged)
        {
            verdict = ex.Message;
        }
        if (verdict != "ok")
        {
            throw new SweepInputException(DamagedMessage(path));
        }
    }

    /// <summary>
    /// Opens an existing database without changing its contents. Where the file may be written, the
    /// connection is read-write with writes refused (query_only): SQLite folds the write-ahead log
    /// into the database file when the last connection closes, and only a connection that may write
    /// can, so a report or a live redraw that closes after the sweep's writer would otherwise leave
    /// every row in results.db-wal and a results.db that holds no tables when copied alone.
    /// </summary>
    public static SqliteConnection OpenForReading(string path)
    {
        if (!File.Exists(path))
        {
            throw new SweepInputException($"Results database '{path}' does not exist; run a sweep first, or give the path of a results.db a sweep wrote.");
        }
        SqliteConnection connection = Open(path, CanWrite(path) ? SqliteOpenMode.ReadWrite : SqliteOpenMode.ReadOnly);
        connection.Execute("PRAGMA query_only = 1;");
        int version = SchemaVersion(connection);
        if (version == 0)
        {
            connection.Dispose();
            throw new SweepInputException($"'{path}' is not a Sweep results database (it has no Sweep schema); give the path of a results.db a sweep wrote.");
        }
        CheckNotNewer(version, path);
        try
        {
            CheckShape(connection, version, path);
            return version == LatestVersion ? connection : UpToDateCopy(connection, path);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A file holding the database at <paramref name="path"/> with the latest schema, for ATTACH: the
    /// file itself, or (Temporary) an up-to-date copy in the temporary folder that the caller deletes.
    /// </summary>
    public static (string Path, bool Temporary) UpToDateFile(string path)
    {
        using SqliteConnection connection = OpenForReading(path);
        if (!connection.ConnectionString.Contains(":memory:", StringComparison.Ordinal))
        {
            return (path, false);
        }
        string copy = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"sweep-upgraded-{Guid.NewGuid():N}.db");
        using (var file = new SqliteConnection($"Data Source={copy};Pooling=False"))
        {
            file.Open();
            connection.BackupDatabase(file);
        }
        return (copy, true);
    }

    /// <summary>
    /// The one policy for a database of an older schema opened to read (report, compare, exports,
    /// merge sources): the file is left as it is and read through a copy in memory with every
    /// migration applied, so readers see one schema. Results databases are megabytes.
    /// </summary>
    private static SqliteConnection UpToDateCopy(SqliteConnection old, string path)
    {
        var copy = new SqliteConnection("Data Source=:memory:;Foreign Keys=True");
        try
        {
            copy.Open();
            old.BackupDatabase(copy);
            old.Dispose();
            Migrate(copy, path);
            ConfigKeyBackfill.Apply(copy);
            copy.Execute("PRAGMA query_only = 1;");
            return copy;
        }
        catch
        {
            copy.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Refuses a database whose tables or columns were dropped or renamed outside Sweep (a hand-edited
    /// file): every table and column a database of its version has must be there. Extra ones, such as
    /// a user's own tables, are left alone. The expected shape is that of the migrations applied to
    /// an empty in-memory database.
    /// </summary>
    private static void CheckShape(SqliteConnection connection, int version, string path)
    {
        using var expected = new SqliteConnection("Data Source=:memory:");
        expected.Open();
        foreach (var (_, sql) in Migrations.Where(m => m.Version <= version))
        {
            expected.Execute(sql);
        }
        const string Shape = "SELECT m.name || '.' || c.name FROM sqlite_master m, pragma_table_info(m.name) c WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%';";
        var present = connection.Query<string>(Shape).ToHashSet(StringComparer.Ordinal);
        var presentTables = present.Select(c => c[..c.IndexOf('.', StringComparison.Ordinal)]).ToHashSet(StringComparer.Ordinal);
        string? missing = expected.Query<string>(Shape).FirstOrDefault(c => !present.Contains(c));
        if (missing is null)
        {
            return;
        }
        string table = missing[..missing.IndexOf('.', StringComparison.Ordinal)];
        string what = presentTables.Contains(table) ? $"column {missing}" : $"table {table}";
        throw new SweepInputException($"'{path}' was changed outside Sweep: {what} is missing (a schema-version-{version} results database has it); restore the file from a copy, or use another results.db.");
    }

    /// <summary>True when this process may write the file and its folder (for the -wal and -shm files).</summary>
    private static bool CanWrite(string path)
    {
        string folder = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
        return !File.GetAttributes(path).HasFlag(FileAttributes.ReadOnly)
            && access(path, WriteAccess) == 0 && access(folder, WriteAccess) == 0;
    }

    private const int WriteAccess = 2; // W_OK

    [System.Runtime.InteropServices.DllImport("libc.so.6", SetLastError = true)]
    private static extern int access(string path, int mode);

    /// <summary>SQLITE_CORRUPT: a file cut short (an interrupted copy) or changed by something other than SQLite.</summary>
    public const int Damaged = 11;

    public static string DamagedMessage(string? path) =>
        $"the results database{(path is null ? "" : $" '{path}'")} is damaged (SQLite: database disk image is malformed: a copy cut short or a file changed outside SQLite); "
        + "restore it from a good copy or use another database (sqlite3's .recover can rescue what is left).";

    private static SqliteConnection Open(string path, SqliteOpenMode mode)
    {
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = mode,
            ForeignKeys = true,
            DefaultTimeout = 30,
            Pooling = false,
        };
        var connection = new SqliteConnection(builder.ToString());
        try
        {
            connection.Open();
            connection.Execute("PRAGMA busy_timeout = 10000;");
            connection.ExecuteScalar<long>("SELECT count(*) FROM sqlite_master;");
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode is 26 or 14)
        {
            connection.Dispose();
            throw new SweepInputException($"'{path}' cannot be opened as a SQLite database ({ex.Message.TrimEnd('.')}); give the path of a results.db a sweep wrote.");
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == Damaged)
        {
            connection.Dispose();
            throw new SweepInputException(DamagedMessage(path));
        }
        return connection;
    }

    private static void Migrate(SqliteConnection connection, string path)
    {
        int current = SchemaVersion(connection);
        CheckNotNewer(current, path);
        if (current >= LatestVersion)
        {
            return;
        }
        // A migration that rebuilds a table (SQLite cannot change a CHECK in place) drops it while
        // other tables still refer to it; SQLite's own procedure turns the foreign-key checks off
        // outside the transaction and checks the keys before committing.
        connection.Execute("PRAGMA foreign_keys = OFF;");
        try
        {
            foreach (var (version, sql) in Migrations.Where(m => m.Version > current))
            {
                using SqliteTransaction transaction = connection.BeginTransaction(deferred: false);
                // Another worker opening the same new database may have migrated while this one waited for the lock.
                if (connection.ExecuteScalar<int>("PRAGMA user_version;", transaction: transaction) >= version)
                {
                    continue;
                }
                connection.Execute(sql, transaction: transaction);
                if (connection.Query("PRAGMA foreign_key_check;", transaction: transaction).Any())
                {
                    throw new InvalidOperationException($"migration {version} of '{path}' left rows whose foreign keys point nowhere; the database was not changed.");
                }
                connection.Execute($"PRAGMA user_version = {version};", transaction: transaction);
                transaction.Commit();
            }
        }
        finally
        {
            connection.Execute("PRAGMA foreign_keys = ON;");
        }
    }

    private static void CheckNotNewer(int version, string path)
    {
        if (version > LatestVersion)
        {
            throw new SweepInputException(
                $"'{path}' was written by a newer Sweep (schema version {version}, this build knows up to {LatestVersion}); update Sweep, or give the path of a database this Sweep wrote.");
        }
    }

    private static IReadOnlyList<(int, string)> LoadMigrations()
    {
        Assembly assembly = typeof(ResultsDatabase).Assembly;
        var migrations = assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(MigrationPrefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Select(n => (Version: int.Parse(n[MigrationPrefix.Length..].Split('_')[0], System.Globalization.CultureInfo.InvariantCulture), Name: n))
            .OrderBy(m => m.Version)
            .Select(m =>
            {
                using var reader = new StreamReader(assembly.GetManifestResourceStream(m.Name)!);
                return (m.Version, reader.ReadToEnd());
            })
            .ToList();
        for (int i = 0; i < migrations.Count; i++)
        {
            if (migrations[i].Version != i + 1)
            {
                throw new InvalidOperationException($"Migration versions must be 1, 2, 3, …; found {migrations[i].Version} at position {i + 1}.");
            }
        }
        return migrations;
    }
}
