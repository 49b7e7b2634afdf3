using Sweep.Tests.Support;

namespace Sweep.Tests.Cli;

/// <summary>
/// Output paths the file system refuses: a file where a folder goes, a folder where a file goes, a
/// folder that cannot be made (under /proc, which refuses even root, as CI runs). Each is one input
/// error naming the option, before any work.
/// </summary>
public sealed class OutputPathTests
{
    private const string Unwritable = "/proc/sweep-cannot-write-here";

    [TestCase("report --db results.db --out a-file", "--out: 'a-file' is a file, not a folder")]
    [TestCase("report --db results.db --out " + Unwritable, "--out: folder '" + Unwritable + "' cannot be written")]
    [TestCase("export csv --db results.db --out a-file", "--out: 'a-file' is a file, not a folder")]
    [TestCase("export optuna --db results.db --out a-folder", "--out: 'a-folder' is a folder; give a file path, such as 'a-folder/study.db'")]
    [TestCase("export optuna --db results.db --out " + Unwritable + "/study.db", "--out: folder '" + Unwritable + "' cannot be written")]
    [TestCase("compare results.db results.db --out a-file", "--out: 'a-file' is a file, not a folder")]
    [TestCase("slurm s.yaml --out a-file", "--out: 'a-file' is a file, not a folder")]
    [TestCase("sweep s.yaml --db a-folder", "results database: 'a-folder' is a folder; give a file path, such as 'a-folder/results.db'")]
    [TestCase("sweep s.yaml --db a-file/results.db", "is a file, not a folder")]
    [TestCase("sweep s.yaml --db " + Unwritable + "/results.db", "results database: folder '" + Unwritable + "' cannot be written")]
    public void An_output_path_that_cannot_be_written_is_one_input_error(string command, string expected)
    {
        using var dir = new TempDir();
        StoredSweep.Write(dir, dir.File("results.db"), epochs: 2);
        dir.Write("a-file", "mine");
        Directory.CreateDirectory(dir.File("a-folder"));
        string[] before = Entries(dir);

        CliResult result = SweepCli.Run(dir.Path, command.Split(' '));

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Stderr.Trim().Split('\n'), Has.Length.EqualTo(1), result.ToString());
        Assert.That(result.Stderr, Does.StartWith("error: ").And.Contain(expected));
        Assert.That(Entries(dir), Is.EqualTo(before), "nothing written");
        Assert.That(File.ReadAllText(dir.File("a-file")), Is.EqualTo("mine"));
    }

    // SQLite's own shared-memory and WAL files beside a database it opened are not ours to count.
    private static string[] Entries(TempDir dir) => Directory.GetFileSystemEntries(dir.Path, "*", SearchOption.AllDirectories)
        .Where(e => !e.EndsWith("-shm", StringComparison.Ordinal) && !e.EndsWith("-wal", StringComparison.Ordinal)).Order().ToArray();
}
