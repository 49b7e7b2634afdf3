using System.Diagnostics;
using Dapper;
using Microsoft.Data.Sqlite;
using Sweep.Tests.Support;

namespace Sweep.Tests.Cli;

/// <summary>results.db is one whole file after any command: a copy of it alone holds every run.</summary>
public sealed class WholeDatabaseFileTests
{
    [Test]
    public void A_report_folds_a_write_ahead_log_that_a_killed_writer_left_behind()
    {
        using var dir = new TempDir();
        string db = dir.File("results/results.db");
        StoredSweep.Write(dir, db, epochs: 2);
        Assert.That(File.Exists(db + "-wal"), Is.False);
        // A writer killed with -9 after committing: its rows live only in results.db-wal.
        string script = "import sqlite3, sys, time\n"
            + "c = sqlite3.connect(sys.argv[1]); c.execute('PRAGMA journal_mode=WAL'); c.execute('UPDATE runs SET final_test_loss = 0.123'); c.commit()\n"
            + "time.sleep(60)\n";
        using (Process writer = Process.Start(new ProcessStartInfo(Python.Path, ["-c", script, db]) { UseShellExecute = false })!)
        {
            WaitUntil(() => File.Exists(db + "-wal") && new FileInfo(db + "-wal").Length > 0, writer);
            writer.Kill(entireProcessTree: true);
            writer.WaitForExit();
        }
        Assert.That(Copy(dir, db, "before.db"), Is.EqualTo(1.0), "the change is still only in the log");

        CliResult report = SweepCli.Run(dir.Path, "report", "--db", db, "--out", dir.File("report"));

        Assert.That(report.ExitCode, Is.EqualTo(0), report.ToString());
        Assert.That(File.Exists(db + "-wal"), Is.False);
        Assert.That(Copy(dir, db, "after.db"), Is.EqualTo(0.123));
    }

    /// <summary>The final test loss a copy of the database file alone holds.</summary>
    private static double? Copy(TempDir dir, string db, string name)
    {
        File.Copy(db, dir.File(name));
        using var connection = new SqliteConnection($"Data Source={dir.File(name)};Pooling=False");
        connection.Open();
        return connection.ExecuteScalar<double?>("SELECT final_test_loss FROM runs;");
    }

    private static void WaitUntil(Func<bool> done, Process process)
    {
        // Bounded by the writer's own life, not a wall-clock guess: it sleeps 60 s after writing.
        while (!done())
        {
            Assert.That(process.HasExited, Is.False, "the writer ended before writing");
            Thread.Sleep(50);
        }
    }
}
