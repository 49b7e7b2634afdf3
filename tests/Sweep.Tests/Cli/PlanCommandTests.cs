using Sweep.Tests.Support;

namespace Sweep.Tests.Cli;

public sealed class PlanCommandTests
{
    private const string Tiny = "name: tiny\ntrain_size: 100\ntest_size: 50\nepochs: 1\nrepeats: 2\ngrid:\n  lr: [0.01, 0.001]\n";

    [Test]
    public void Plan_lists_every_run_and_what_is_done_without_training_or_creating_the_database()
    {
        using var dir = new TempDir();
        dir.Write("tiny.yaml", Tiny);

        CliResult before = SweepCli.Run(dir.Path, "plan", "tiny.yaml");

        Assert.That(before.ExitCode, Is.EqualTo(0), before.ToString());
        Assert.That(before.Stdout, Does.Contain("4 runs, 0 already finished"));
        Assert.That(before.Stdout, Does.Contain("no estimate yet"));
        Assert.That(Directory.Exists(dir.File("results")), Is.False);

        Assert.That(SweepCli.Run(dir.Path, "sweep", "tiny.yaml", "--no-report").ExitCode, Is.EqualTo(0));
        dir.Write("tiny.yaml", Tiny.Replace("[0.01, 0.001]", "[0.01, 0.001, 0.0001]", StringComparison.Ordinal));

        CliResult after = SweepCli.Run(dir.Path, "sweep", "tiny.yaml", "--dry-run");

        Assert.That(after.ExitCode, Is.EqualTo(0), after.ToString());
        Assert.That(after.Stdout, Does.Contain("6 runs, 4 already finished in results/results.db, 2 to train; time left: about"));
        Assert.That(after.Stdout.Split('\n').Count(l => System.Text.RegularExpressions.Regex.IsMatch(l, @"\scompleted(\s|$)")), Is.EqualTo(4));
        Assert.That(after.Stdout.Split('\n').Count(l => System.Text.RegularExpressions.Regex.IsMatch(l, @"\snew(\s|$)")), Is.EqualTo(2));
    }

    [TestCase("small-cnn", "--parallel gets most of it too")]
    [TestCase("seed-cnn", "fused seed-cnn packs trained at 0.6-0.8x the speed of separate runs")]
    public void Plan_with_fuse_says_what_fusion_is_worth_on_a_cpu(string model, string note)
    {
        using var dir = new TempDir();
        dir.Write("f.yaml", $"name: f\nmodel: {model}\ntrain_size: 100\ntest_size: 50\nepochs: 1\ngrid:\n  lr: [0.01, 0.001, 0.0001]\n");

        CliResult plan = InProcessCli.Run("plan", dir.File("f.yaml"), "--fuse", "--db", dir.File("results/results.db"));

        Assert.That(plan.ExitCode, Is.EqualTo(0), plan.ToString());
        Assert.That(plan.Stdout, Does.Contain("fuse: 1 fused packs (3 runs), 0 runs alone."));
        Assert.That(plan.Stdout, Does.Contain(note));
    }
}
