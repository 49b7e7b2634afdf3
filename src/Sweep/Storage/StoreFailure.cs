using Microsoft.Data.Sqlite;

namespace Sweep.Storage;

/// <summary>
/// What a failure of the results store means to the person running Sweep, in one line: kept with
/// the store, so the command line never needs to know which database library raised it.
/// </summary>
internal static class StoreFailure
{
    /// <summary>The line to print and whether the user's input caused it (exit 2) or not (exit 1); null when it is not a store failure.</summary>
    public static (string Message, bool UserInput)? Describe(Exception ex) => ex switch
    {
        // SQLITE_BUSY/LOCKED after the busy timeout: someone holds the write lock and is not letting go.
        SqliteException { SqliteErrorCode: 5 or 6 } => (
            "the results database stayed locked by another process for longer than the busy timeout "
            + "(a paused or hung sweep worker, or a SQLite browser with unwritten changes); resume, close or stop that process and run the command again.", false),
        // Found after opening, by a query that reached the damaged pages.
        SqliteException { SqliteErrorCode: ResultsDatabase.Damaged } => (ResultsDatabase.DamagedMessage(null), true),
        StoreUnavailableException gone => (gone.Message, false),
        _ => null,
    };

    /// <summary>
    /// Whether a server error means the server or the connection is gone (network, shutdown,
    /// restart), not that a statement was wrong: classes 08 (connection) and 57P (operator
    /// intervention), or a failure below the protocol.
    /// </summary>
    public static bool IsServerGone(Npgsql.NpgsqlException ex) => ex is Npgsql.PostgresException pg
        ? pg.SqlState.StartsWith("08", StringComparison.Ordinal) || pg.SqlState.StartsWith("57P", StringComparison.Ordinal)
        : true;
}
