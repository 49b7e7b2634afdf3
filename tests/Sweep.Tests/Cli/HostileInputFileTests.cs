using System.Diagnostics;
using Sweep.Tests.Support;

namespace Sweep.Tests.Cli;

/// <summary>
/// Files the user names (the sweep file, extends, reference, model_file) that are not regular
/// files: a symbolic-link loop, a folder, a FIFO (blocks forever when opened), /dev/zero and
/// /dev/urandom (never end). Each is one input error in seconds, nothing created.
/// </summary>
public sealed class HostileInputFileTests
{
    public static IEnumerable<TestCaseData> Cases()
    {
        yield return new TestCaseData("model_file: loop.pt", "is a symbolic link that leads back to itself").SetName("model_file is a symbolic-link loop");
        yield return new TestCaseData("model_file: fifo.pt", "is not a regular file").SetName("model_file is a FIFO");
        yield return new TestCaseData("model_file: folder", "is a folder").SetName("model_file is a folder");
        yield return new TestCaseData("model_file: /dev/zero", "is not a regular file").SetName("model_file is /dev/zero");
        yield return new TestCaseData("reference: fifo.pt", "the reference file is not a regular file").SetName("reference is a FIFO");
        yield return new TestCaseData("reference: /dev/zero", "the reference file is not a regular file").SetName("reference is /dev/zero");
        yield return new TestCaseData("reference: loop.pt", "is a symbolic link that leads back to itself").SetName("reference is a symbolic-link loop");
        yield return new TestCaseData("extends: /dev/urandom", "'extends: /dev/urandom' is not a regular file").SetName("extends names /dev/urandom");
        yield return new TestCaseData("extends: fifo.pt", "'extends: fifo.pt' is not a regular file").SetName("extends names a FIFO");
        yield return new TestCaseData("extends: loop.pt", "is a symbolic link that leads back to itself").SetName("extends names a symbolic-link loop");
    }

    [TestCaseSource(nameof(Cases))]
    public void Is_one_input_error_in_seconds(string line, string expected)
    {
        using var dir = Hostile();
        dir.Write("s.yaml", $"name: h\nmodel: torchscript\n{line}\ngrid:\n  lr: [0.1]\n".Replace("model: torchscript\nreference", "reference", StringComparison.Ordinal).Replace("model: torchscript\nextends", "extends", StringComparison.Ordinal));

        CliResult result = SweepCli.Run(dir.Path, TimeSpan.FromSeconds(60), "sweep", "s.yaml");

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Stderr, Does.StartWith("error: ").And.Contain(expected));
        Assert.That(result.Stderr.Trim().Split('\n'), Has.Length.EqualTo(1));
        Assert.That(Directory.Exists(dir.File("results")), Is.False, "nothing created");
    }

    [TestCase("/dev/zero")]
    [TestCase("fifo.pt")]
    [TestCase("loop.pt")]
    public void The_sweep_file_itself(string path)
    {
        using var dir = Hostile();

        CliResult result = SweepCli.Run(dir.Path, TimeSpan.FromSeconds(60), "plan", path);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Stderr, Does.StartWith($"error: the sweep file '{path}' is"));
    }

    /// <summary>A folder holding loop.pt (a link to itself through another), fifo.pt (a named pipe) and folder/.</summary>
    private static TempDir Hostile()
    {
        var dir = new TempDir();
        File.CreateSymbolicLink(dir.File("loop.pt"), dir.File("loop2.pt"));
        File.CreateSymbolicLink(dir.File("loop2.pt"), dir.File("loop.pt"));
        Directory.CreateDirectory(dir.File("folder"));
        using (Process mkfifo = Process.Start("mkfifo", dir.File("fifo.pt"))!)
        {
            mkfifo.WaitForExit();
        }
        return dir;
    }
}
