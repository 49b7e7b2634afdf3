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
}
