using System.Diagnostics;
using Sweep.Tests.Support;

namespace Sweep.Tests.Cli;

/// <summary>Hostile sweep files end with exit 2 and one positioned line in seconds, creating nothing; what Windows editors write keeps working.</summary>
public sealed class HostileSweepFileTests
{
    private static readonly string Bomb = "name: h\ngrid:\n  lr: &a [0.1, 0.2]\n" + string.Concat(Enumerable.Range(0, 8).Select(i => $"  x{i}: &b{i} [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"));

    public static IEnumerable<TestCaseData> Cases()
    {
        yield return new TestCaseData("name: h\ngrid:\n  lr: [0.001, 0.01\n", "h.yaml:3:7: invalid YAML: the '[' opened here is never closed").SetName("An unclosed flow sequence");
        yield return new TestCaseData("name: h\ngrid:\n  lr: " + new string('[', 20000) + "0.1" + new string(']', 20000) + "\n", "values are nested more than 32 levels deep").SetName("A value nested 20,000 levels deep");
        yield return new TestCaseData(Bomb, "h.yaml:4:12: YAML aliases (*a) are not allowed").SetName("An alias bomb in the grid");
        yield return new TestCaseData("name: h\ngrid:\n  lr: {logspace: [1e-5, 1e-1, 10000]}\n  momentum: {linspace: [0, 0.9, 10000]}\n  weight_decay: {linspace: [0, 0.1, 1000]}\n  batch_size: {pow2: [1, 1024]}\n",
            "h.yaml: the file asks for 1,100,000,000,000 runs (10000 lr × 10000 momentum × 1000 weight_decay × 11 batch_size), more than the 100,000 one plan may hold").SetName("A grid of 10^12 runs");
        yield return new TestCaseData("name: h\nrepeats: 1000\ngrid:\n  lr: {logspace: [1e-5, 1e-1, 101]}\n", "the file asks for 101,000 runs (101 lr × 1000 repeats)").SetName("Repeats beyond the limit");
    }

    [TestCaseSource(nameof(Cases))]
    public void Is_refused_in_seconds_with_one_line_and_nothing_created(string text, string message)
    {
        using var dir = new TempDir();
        dir.Write("h.yaml", text);
        var clock = Stopwatch.StartNew();

        CliResult result = SweepCli.Run(dir.Path, TimeSpan.FromSeconds(60), "sweep", "h.yaml");

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(20)), "refused in seconds, not after expanding");
        Assert.That(result.Stderr.Trim().Split('\n'), Has.Length.EqualTo(1));
        Assert.That(result.Stderr, Does.StartWith("error: ").And.Contain(message));
        Assert.That(Directory.Exists(dir.File("results")), Is.False);
    }

    [Test]
    public void A_file_with_a_byte_order_mark_and_CRLF_line_endings_works()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("w.yaml"), [0xEF, 0xBB, 0xBF, .. "name: windows\r\ntrain_size: 100\r\ntest_size: 50\r\nepochs: 1\r\ngrid:\r\n  lr: [0.01, 0.001]\r\n"u8.ToArray()]);

        CliResult plan = InProcessCli.Run("plan", dir.File("w.yaml"), "--db", dir.File("results.db"));

        Assert.That(plan.ExitCode, Is.EqualTo(0), plan.ToString());
        Assert.That(plan.Output(), Does.Contain("sweep 'windows': 2 runs"));
    }
}
