using Sweep.Kernel;
using Sweep.Reporting;
using Sweep.Storage;

namespace Sweep.Tests.Reporting;

public sealed class VerdictTests
{
    /// <summary>A grid where loss(lr, batch) is given; one run per seed.</summary>
    private static ReportData Grid(Func<double, long, int, double> loss, double[] lrs, long[] batches, int seeds = 1, RunStatus status = RunStatus.Completed)
    {
        var runs = new List<RunRow>();
        foreach (double lr in lrs)
        {
            foreach (long batch in batches)
            {
                for (int seed = 0; seed < seeds; seed++)
                {
                    runs.Add(new RunRow { RunId = $"{lr}-{batch}-{seed}", Status = status, Dataset = "d", Model = "m", Optimizer = "adam", Lr = lr, BatchSize = batch, Seed = seed, Epochs = 1, FinalTestLoss = loss(lr, batch, seed), FinalTrainLoss = 0.1, FinalTestAccuracy = 0.5 });
                }
            }
        }
        return new ReportData("s", runs, new Dictionary<string, IReadOnlyList<EpochRow>>());
    }

    [Test]
    public void Fused_packs_are_named_as_common_random_numbers_and_unfused_sweeps_say_nothing_of_them()
    {
        var plain = Grid((lr, b, _) => 1 + b / 100.0 + lr, [0.1, 0.01], [16, 64]);
        var fused = new ReportData("s", plain.Runs.Select(r => r with { FusedPack = r.BatchSize == 16 ? "p16" : r.Lr == 0.1 ? "p64" : null }).ToList(),
            new Dictionary<string, IReadOnlyList<EpochRow>>());

        Assert.That(Verdict.Of(plain, null), Has.None.Contains("fused"));
        var lines = Verdict.Of(fused, null);
        Assert.That(lines[1], Does.StartWith("3 of 4 runs trained in 2 fused packs: the runs of a pack saw the same batches in the same order"));
        Assert.That(lines[1], Does.Contain("common random numbers"));
        Assert.That(lines[2], Does.StartWith("At a fixed learning rate"), "the claim's verdict follows");
    }

    [Test]
    public void Loss_rising_with_batch_size_at_every_lr_means_the_claim_holds()
    {
        var data = Grid((lr, b, _) => 1 + b / 100.0 + lr, [0.1, 0.01], [16, 64]);

        string line = Verdict.Of(data, null)[1];

        Assert.That(line, Does.StartWith("At a fixed learning rate, smaller batches reached a lower test loss for 2 of 2 learning rates: the claim holds on this grid"));
        Assert.That(line, Does.Contain("One seed per configuration"));
    }

    [Test]
    public void With_repeats_differences_inside_the_seed_spread_are_called_noise()
    {
        // Batch adds 0.01, seeds scatter by ±0.1: every step is within the noise.
        var data = Grid((lr, b, seed) => 1 + (b == 64 ? 0.01 : 0) + (seed == 0 ? 0.1 : -0.1), [0.1], [16, 64], seeds: 2);

        string line = Verdict.Of(data, null)[1];

        Assert.That(line, Does.Contain("1 of 1 steps within the spread between seeds"));
        Assert.That(line, Does.Contain("Some differences are within the noise between seeds"));
    }

    [Test]
    public void Best_lr_proportional_to_batch_size_reads_as_the_linear_scaling_rule()
    {
        double[] lrs = Enumerable.Range(0, 17).Select(i => Math.Pow(10, -5 + i * 0.25)).ToArray();
        long[] batches = [16, 64, 256, 1024];
        // Loss is lowest where lr = 1e-4 × batch / 16: a valley along the linear rule.
        var data = Grid((lr, b, _) => 1 + Math.Abs(Math.Log10(lr) - Math.Log10(1e-4 * b / 16)), lrs, batches);

        string line = Verdict.Of(data, null)[3];

        Assert.That(line, Does.Match("slope of best lr against batch size is (0\\.9[5-9]\\d*|1|1\\.0[0-5]\\d*), near 1: the linear scaling rule"));
        Assert.That(line, Does.Contain("Smaller batches preferred smaller learning rates"));
    }

    [Test]
    public void A_coarse_grid_says_it_cannot_tell()
    {
        var data = Grid((lr, b, _) => 1 + lr, [0.1, 0.01, 0.001], [16, 64, 256]);

        Assert.That(Verdict.Of(data, null)[3], Does.Contain("too coarse to tell"));
        Assert.That(Verdict.Of(Grid((lr, b, _) => 1, [0.1], [16, 64]), null)[3], Does.Contain("needs at least 3 batch sizes"));
    }

    [Test]
    public void A_partial_sweep_says_what_is_missing_and_an_unfinished_one_says_there_is_nothing_yet()
    {
        var partial = Grid((lr, b, _) => 1, [0.1], [16, 64]);
        Assert.That(Verdict.Of(partial, plannedRuns: 6)[0], Is.EqualTo("2 runs in the database (2 completed); the sweep file plans 6 runs, so 4 have not started."));

        var running = Grid((lr, b, _) => 1, [0.1], [16], status: RunStatus.Running);
        Assert.That(Verdict.Of(running, null), Has.Some.EqualTo("No run has completed yet, so there is nothing to compare."));
    }
}
