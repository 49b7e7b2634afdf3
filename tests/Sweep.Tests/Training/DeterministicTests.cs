using Sweep.Native;
using Sweep.Tests.Support;

namespace Sweep.Tests.Training;

/// <summary>What <c>deterministic: true</c> turns on and pins.</summary>
public sealed class DeterministicTests
{
    private const string Sweep = "name: det\ntrain_size: 400\ntest_size: 100\nepochs: 2\ndeterministic: DET\nthreads: 1\ngrid:\n  lr: [0.003, 0.001]\n";

    private const string EpochRows = "SELECT r.lr, e.epoch, e.train_loss, e.test_loss, e.test_accuracy FROM epochs e JOIN runs r USING (run_id) ORDER BY r.lr, e.epoch";

    [Test]
    public void A_deterministic_run_turns_on_libtorchs_deterministic_algorithms_and_an_ordinary_one_does_not()
    {
        DeterministicAlgorithms.Disable();
        try
        {
            using var dir = new TempDir();
            dir.Write("off.yaml", Sweep.Replace("DET", "false"));
            dir.Write("on.yaml", Sweep.Replace("DET", "true"));

            CliResult off = InProcessCli.Run("sweep", dir.File("off.yaml"), "--db", dir.File("off/results.db"), "--no-report");
            Assert.That(off.ExitCode, Is.EqualTo(0), off.ToString());
            Assert.That(DeterministicAlgorithms.IsEnabled(), Is.False);

            CliResult on = InProcessCli.Run("sweep", dir.File("on.yaml"), "--db", dir.File("on/results.db"), "--no-report");
            Assert.That(on.ExitCode, Is.EqualTo(0), on.ToString());
            Assert.That(on.Stdout, Does.Not.Contain("could not turn on"));
            Assert.That(DeterministicAlgorithms.IsEnabled(), Is.True, "libtorch itself reports the switch on");
        }
        finally
        {
            DeterministicAlgorithms.Disable();
        }
    }

    [Test]
    public void Two_deterministic_sweeps_in_separate_processes_agree_bit_for_bit_whatever_parallel_is()
    {
        using var dir = new TempDir();
        dir.Write("s.yaml", Sweep.Replace("DET", "true").Replace("threads: 1", "threads: 2"));

        CliResult one = SweepCli.Run(dir.Path, "sweep", "s.yaml", "--db", "one/results.db", "--no-report");
        CliResult two = SweepCli.Run(dir.Path, "sweep", "s.yaml", "--db", "two/results.db", "--no-report", "--parallel", "2");

        Assert.That((one.ExitCode, two.ExitCode), Is.EqualTo((0, 0)), one + "\n" + two);
        Assert.That(ResultsFile.Query<long>(dir.File("two/results.db"), "SELECT used_threads FROM runs"), Is.EqualTo(new long[] { 2, 2 }),
            "threads: 2 is kept under --parallel 2 for deterministic runs");
        var first = ResultsFile.Query<(double, long, double, double, double)>(dir.File("one/results.db"), EpochRows);
        Assert.That(first, Has.Count.EqualTo(4));
        Assert.That(ResultsFile.Query<(double, long, double, double, double)>(dir.File("two/results.db"), EpochRows), Is.EqualTo(first));
    }
}
