namespace Sweep.Kernel;

/// <summary>
/// The disk under the results filled up while Sweep wrote <paramref name="path"/>. Not a failure
/// of the run: the sweep stops, the run is left to continue from its last checkpoint, and the same
/// command carries on once space is freed.
/// </summary>
internal sealed class DiskFullException(string path, Exception inner)
    : Exception($"the disk is full: could not write {path}; free some space there and run the same command again (every committed epoch and finished run is kept)", inner)
{
    public string Path { get; } = path;

    /// <summary>
    /// The path being written when <paramref name="ex"/> (or an exception inside it) says the disk
    /// is full, or null. .NET on Unix reports ENOSPC (28) as an IOException whose HResult is the
    /// errno and whose message ends with the path in quotes; SQLite reports SQLITE_FULL (13), whose
    /// path is the database's.
    /// </summary>
    public static string? PathOf(Exception ex, string? databasePath)
    {
        for (Exception? e = ex; e != null; e = e.InnerException)
        {
            switch (e)
            {
                case DiskFullException full:
                    return full.Path;
                case IOException io when io.HResult is 28 or unchecked((int)0x80070070) or unchecked((int)0x80070027):
                    int open = io.Message.IndexOf('\'');
                    int close = io.Message.LastIndexOf('\'');
                    return close > open + 1 ? AtomicFile.TargetOf(io.Message[(open + 1)..close]) : databasePath ?? "the results folder";
                case System.Data.Common.DbException db when db.GetType().GetProperty("SqliteErrorCode")?.GetValue(db) is 13:
                    return databasePath ?? "the results database";
            }
        }
        return null;
    }
}
