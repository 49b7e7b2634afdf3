using Dapper;
using Microsoft.Data.Sqlite;
using Sweep.Cli;
using Sweep.Kernel;
using Sweep.Tests.Support;

namespace Sweep.Tests.Cli;

/// <summary>A database whose write lock another process keeps (a paused worker, a browser with unwritten changes).</summary>
public sealed class LockedDatabaseTests
{
    [Test]
    public void A_write_lock_that_is_never_released_is_named_as_such_not_as_a_bug()
    {
        using var dir = new TempDir();
        string db = dir.File("locked.db");
        using var holder = new SqliteConnection($"Data Source={db};Pooling=False");
        holder.Open();
        holder.Execute("PRAGMA journal_mode = WAL; CREATE TABLE t (x INTEGER);");
        holder.Execute("BEGIN IMMEDIATE; INSERT INTO t VALUES (1);");

        using var writer = new SqliteConnection($"Data Source={db};Pooling=False;Default Timeout=1");
        writer.Open();
        writer.Execute("PRAGMA busy_timeout = 0;");
        var locked = Assert.Throws<SqliteException>(() => writer.Execute("BEGIN IMMEDIATE;"))!;

        var stderr = new StringWriter();
        int exit = ErrorReporter.Handle(locked, stderr);

        Assert.That(exit, Is.EqualTo(ExitCodes.Failure));
        Assert.That(stderr.ToString(), Does.StartWith("error: the results database stayed locked by another process")
            .And.Contain("paused or hung sweep worker").And.Not.Contain("bug"));
        Assert.That(stderr.ToString().TrimEnd().Split('\n'), Has.Length.EqualTo(1));
    }
}
