using Sweep.Tests.Support;

namespace Sweep.Tests.Cli;

/// <summary>A results database cut short or overwritten in the middle: one input error for every command, the file untouched.</summary>
public sealed class DamagedDatabaseTests
{
    [TestCase("cut short")]
    [TestCase("overwritten in the middle")]
    public void Every_command_refuses_a_damaged_database_with_one_line_and_exit_2(string damage)
    {
        using var dir = new TempDir();
        string db = dir.File("results.db");
        StoredSweep.Write(dir, db, epochs: 3000); // many pages, so damage in the middle lands in rows a command reads
        byte[] good = File.ReadAllBytes(db);
        byte[] bad = damage == "cut short"
            ? good[..(good.Length / 2)]
            : good.Select((b, i) => i > good.Length / 4 && i < good.Length * 3 / 4 ? (byte)0xAB : b).ToArray();
        File.WriteAllBytes(db, bad);

        foreach (string[] command in new[]
                 {
                     new[] { "report", "--db", db, "--out", dir.File("report") },
                     new[] { "export", "csv", "--db", db, "--out", dir.File("csv") },
                     new[] { "sweep", dir.File("s.yaml"), "--db", db, "--no-report" },
                 })
        {
            CliResult result = InProcessCli.Run(command);

            Assert.That(result.ExitCode, Is.EqualTo(2), $"{damage}, {command[0]}: {result}");
            Assert.That(result.Stderr.Trim().Split('\n'), Has.Length.EqualTo(1));
            Assert.That(result.Stderr, Does.Contain("is damaged (SQLite: database disk image is malformed").And.Contain("restore it from a good copy"));
            Assert.That(File.ReadAllBytes(db), Is.EqualTo(bad), "the file is left as it was");
        }
    }

    [TestCase("UPDATE runs SET final_test_loss = 'abc'", "column final_test_loss = 'abc' (text)")]
    [TestCase("UPDATE epochs SET test_loss = 'x' WHERE epoch = 2", "column test_loss = 'x' (text)")]
    [TestCase("UPDATE runs SET lr = 'big'", "column lr = 'big' (text)")]
    [TestCase("DROP TABLE epochs", "table epochs is missing")]
    [TestCase("DROP TABLE sweep_runs", "table sweep_runs is missing")]
    [TestCase("DROP TABLE halving_decisions", "table halving_decisions is missing")]
    [TestCase("ALTER TABLE runs RENAME COLUMN seed TO s", "column runs.seed is missing")]
    [TestCase("UPDATE runs SET config_json = '{bad'", "has a config_json Sweep cannot read")]
    public void A_database_edited_by_hand_is_one_input_error_for_the_report_and_nothing_is_changed(string edit, string expected)
    {
        using var dir = new TempDir();
        string db = dir.File("results.db");
        StoredSweep.Write(dir, db, epochs: 3);
        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={db};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA foreign_keys = OFF; PRAGMA journal_mode = DELETE; " + edit;
            command.ExecuteNonQuery();
        }
        byte[] edited = File.ReadAllBytes(db);

        CliResult report = InProcessCli.Run("report", "--db", db, "--out", dir.File("report"));

        Assert.That(report.ExitCode, Is.EqualTo(2), report.ToString());
        Assert.That(report.Stderr.Trim().Split('\n'), Has.Length.EqualTo(1));
        Assert.That(report.Stderr, Does.Contain(expected));
        Assert.That(File.ReadAllBytes(db), Is.EqualTo(edited), "the file is left as it was");
    }

    [Test]
    public void A_table_of_the_users_own_is_no_edit_Sweep_minds()
    {
        using var dir = new TempDir();
        string db = dir.File("results.db");
        StoredSweep.Write(dir, db, epochs: 3);
        Assert.That(ResultsFile.Scalar<long>(db, "SELECT count(*) FROM runs"), Is.EqualTo(1));
        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={db};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE my_notes (run_id TEXT, note TEXT); ALTER TABLE runs ADD COLUMN my_flag INTEGER;";
            command.ExecuteNonQuery();
        }

        CliResult report = InProcessCli.Run("report", "--db", db, "--out", dir.File("report"));

        Assert.That(report.ExitCode, Is.EqualTo(0), report.ToString());
    }
}
