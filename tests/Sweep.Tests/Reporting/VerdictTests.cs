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
        Assert.That(lines[2], Does.StartWith("Batch size: the final test loss against log₂ batch size"), "the claim's verdict follows");
    }

    [Test]
    public void Loss_rising_with_batch_size_beyond_the_seed_noise_at_every_lr_means_the_claim_holds()
    {
        // 0.05 per doubling, seeds scatter by ±0.005: every interval lies above zero.
        var data = Grid((lr, b, seed) => 1 + 0.05 * Math.Log2(b) + lr + (seed - 1) * 0.005, [0.1, 0.01], [16, 64, 256], seeds: 3);

        string line = Verdict.Of(data, null)[1];

        Assert.That(line, Does.StartWith("Batch size: the final test loss against log₂ batch size, slope per doubling with its 97.5% intervals, so that all 2 hold together at 95% (Bonferroni)"));
        Assert.That(line, Does.Contain("lr=1e-1: +0.0500 per doubling [").And.Contain("(smaller is better, 9 runs)"));
        Assert.That(line, Does.Contain("The claim that smaller batches reach a lower test loss holds on this grid"));
    }

    [Test]
    public void One_seed_per_cell_says_what_its_interval_rests_on_and_two_runs_give_none()
    {
        var data = Grid((lr, b, _) => 1 + b / 100.0 + lr, [0.1, 0.01], [16, 64]);

        string line = Verdict.Of(data, null)[1];

        Assert.That(line, Does.Contain("lr=1e-1: 2 runs, too few for an interval"));
        Assert.That(line, Does.Contain("is not resolved by these runs"));
        Assert.That(line, Does.Contain("One seed per configuration"));
    }

    [Test]
    public void A_difference_inside_the_seed_noise_is_not_resolved_and_a_clear_fall_contradicts()
    {
        // lr 0.1: batch adds 0.01 per doubling, seeds scatter by ±0.1; lr 0.01: the loss falls 0.1 per doubling, seeds ±0.001.
        var data = Grid((lr, b, seed) => lr == 0.1 ? 1 + 0.01 * Math.Log2(b) + (seed == 0 ? 0.1 : -0.1) : 2 - 0.1 * Math.Log2(b) + (seed == 0 ? 0.001 : -0.001),
            [0.1, 0.01], [16, 64, 256], seeds: 2);

        string line = Verdict.Of(data, null)[1];

        Assert.That(line, Does.Contain("lr=1e-1: +0.0100 per doubling [").And.Contain("(not resolved, 6 runs)"));
        Assert.That(line, Does.Contain("lr=1e-2: −0.1000 per doubling [").And.Contain("(larger is better, 6 runs)"));
        Assert.That(line, Does.Contain("holds at 0, is contradicted at 1 and is not resolved at 1 of 2 learning rates"));
    }

    [Test]
    public void A_linear_scaling_control_is_judged_along_its_line()
    {
        // lr = 1e-4 × batch / 16 at each batch size, the loss flat along the line up to seed noise.
        var grid = Grid((lr, b, seed) => 0.5 + (seed - 1) * 0.01, [1e-4, 4e-4, 1.6e-3], [16, 64, 256], seeds: 3);
        var control = new ReportData("s", grid.Runs.Where(r => Math.Abs(r.Lr / r.BatchSize - 1e-4 / 16) < 1e-12).ToList(), new Dictionary<string, IReadOnlyList<EpochRow>>());

        string line = Verdict.Of(control, null)[1];

        Assert.That(control.Runs, Has.Count.EqualTo(9));
        Assert.That(line, Does.StartWith("Linear-scaling control (lr ∝ batch size): the final test loss against log₂ batch size along that line, 0.0000 per doubling ["));
        Assert.That(line, Does.Contain("no trend is resolved"));
        Assert.That(Verdict.Of(grid, null)[1], Does.StartWith("Batch size:"), "a full grid is not a control");
    }

    [Test]
    public void A_claim_that_holds_among_unconverged_cells_says_it_may_be_training_speed()
    {
        var grid = Grid((lr, b, seed) => 1 + 0.05 * Math.Log2(b) + (seed - 1) * 0.005, [0.1], [16, 64, 256], seeds: 3);
        var data = new ReportData("s", grid.Runs.Select(r => r with { Epochs = 5, BestEpoch = r.BatchSize == 256 ? 5 : 3, BestValLoss = 0.5, BestTestLoss = r.FinalTestLoss }).ToList(),
            new Dictionary<string, IReadOnlyList<EpochRow>>());

        string line = Verdict.Of(data, null)[1];

        Assert.That(line, Does.Contain("holds on this grid. This is within the epochs trained: 1 of 3 cells were still improving at their last epoch"));
    }

    [Test]
    public void With_a_validation_set_the_best_cell_is_chosen_on_it_and_unconverged_cells_are_named()
    {
        // Test loss favours lr 0.1 batch 16, validation favours lr 0.01 batch 64: validation must choose.
        var data = Grid((lr, b, _) => 1 + b / 1000.0, [0.1, 0.01], [16, 64]);
        data = new ReportData("s", data.Runs.Select(r => r with
        {
            Epochs = 5,
            BestEpoch = r.Lr == 0.01 && r.BatchSize == 64 ? 5 : 3,
            BestValLoss = r.Lr == 0.01 && r.BatchSize == 64 ? 0.2 : r.Lr == 0.1 && r.BatchSize == 16 ? 0.35 : 0.4,
            BestTestLoss = r.Lr == 0.1 && r.BatchSize == 16 ? 0.1 : 0.3,
        }).ToList(), new Dictionary<string, IReadOnlyList<EpochRow>>());

        var lines = Verdict.Of(data, null);

        Assert.That(lines[1], Does.StartWith("Batch size: the test loss at the epoch validation chose against log₂ batch size"));
        Assert.That(lines[2], Does.StartWith("Best cell, chosen on validation loss: lr=1e-2, batch size 64, validation loss 0.2; test loss at the chosen epoch 0.3"));
        Assert.That(lines[3], Does.StartWith("1 of 4 cells had some seed's lowest validation loss at its last epoch (marked \"not converged\"): lr=1e-2 batch 64"));
        Assert.That(lines[4], Does.Contain("batch 16 → lr=1e-1, batch 64 → lr=1e-2 (chosen on validation loss)"));
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
