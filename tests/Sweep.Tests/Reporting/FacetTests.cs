using Sweep.Kernel;
using Sweep.Reporting.Figures;
using Sweep.Reporting;
using Sweep.Storage;
using Sweep.Tests.Support;

namespace Sweep.Tests.Reporting;

/// <summary>Settings that vary besides lr and batch size are facets: never pooled as if they were seeds.</summary>
public sealed class FacetTests
{
    /// <summary>lr × batch × weight_decay (× seeds), each run's loss a known function of its settings.</summary>
    private static ReportData Grid(int seeds, Func<double, long, double, long, double> loss, string optimizer = "adam")
    {
        var runs = new List<RunRow>();
        foreach (double wd in new[] { 0.0, 0.01 })
        {
            foreach (long batch in new[] { 16L, 64L })
            {
                foreach (double lr in new[] { 0.01, 0.001 })
                {
                    for (long seed = 0; seed < seeds; seed++)
                    {
                        var config = Plans.OneRun($"optimizer: {optimizer}\nweight_decay: {wd}\nbatch_size: {batch}\nseed: {seed}\ngrid:\n  lr: [{lr}]\n");
                        runs.Add(new RunRow
                        {
                            RunId = $"{wd}-{batch}-{lr}-{seed}", Status = RunStatus.Completed, Dataset = "fashion-mnist-mini", Model = "small-cnn",
                            Optimizer = optimizer, Lr = lr, BatchSize = batch, Seed = seed, Epochs = 3, FinalTestLoss = loss(lr, batch, wd, seed),
                            FinalTrainLoss = 0.1, FinalTestAccuracy = 0.8, ConfigJson = config.ToJson(),
                        });
                    }
                }
            }
        }
        return new ReportData("s", runs, new Dictionary<string, IReadOnlyList<EpochRow>>());
    }

    [Test]
    public void A_third_varying_setting_splits_cells_and_only_seeds_are_averaged()
    {
        // weight decay adds 1.0 to the loss; seeds add ±0.01.
        ReportData data = Grid(seeds: 2, (lr, b, wd, seed) => b / 100.0 + wd * 100 + (seed == 0 ? -0.01 : 0.01));

        Assert.That(data.FacetSettings, Is.EqualTo(new[] { "weight_decay" }));
        var parts = data.ByFacet;
        Assert.That(parts.Select(p => p.Facet.Label), Is.EqualTo(new[] { "weight_decay=0", "weight_decay=0.01" }));
        GridCell cell = parts[1].Cell(0.01, 16)!;
        Assert.That(cell.Runs, Has.Count.EqualTo(2), "the two seeds, not four runs");
        Assert.That(cell.TestLoss!.Value.Mean, Is.EqualTo(1.16).Within(1e-9));
        Assert.That(cell.TestLoss!.Value.Std, Is.EqualTo(Math.Sqrt(2) * 0.01).Within(1e-9), "the spread is the seeds' alone");
    }

    [Test]
    public void The_verdict_is_given_per_combination_and_one_seed_makes_no_noise_claim()
    {
        ReportData data = Grid(seeds: 1, (lr, b, wd, _) => wd > 0 ? 2.0 - b / 100.0 : 1.0 + b / 100.0);

        var verdict = Verdict.Of(data, 8);

        Assert.That(verdict, Has.Some.Contains("weight_decay varies in this sweep, so each of its 2 values is judged on its own"));
        Assert.That(verdict, Has.Some.StartsWith("[weight_decay=0] Batch size: the final test loss against log₂ batch size"));
        Assert.That(verdict, Has.Some.StartsWith("[weight_decay=0.01] Batch size: the final test loss against log₂ batch size"));
        Assert.That(verdict.Count(l => l.Contains("One seed per configuration", StringComparison.Ordinal)), Is.EqualTo(2), "each facet says its intervals rest on one seed");
    }

    [Test]
    public void Figures_come_per_combination_and_the_runs_table_names_the_varying_setting()
    {
        using var dir = new TempDir();
        ReportData data = Grid(seeds: 1, (lr, b, wd, _) => lr * b + wd);

        var written = ReportWriter.Write(data, dir.Path).Select(Path.GetFileName).ToList();
        SummaryWriter.Write(data, Verdict.Of(data, null), [], written!, dir.Path);

        Assert.That(written, Does.Contain("final_test_loss_vs_lr__weight_decay-0.png").And.Contain("final_test_loss_vs_lr__weight_decay-0.01.png"));
        Assert.That(written, Does.Not.Contain("final_test_loss_vs_lr.png"));
        string markdown = File.ReadAllText(dir.File("summary.md"));
        Assert.That(markdown, Does.Contain("| run_id | weight_decay | lr | batch_size | seed | status |"));
        Assert.That(markdown, Does.Contain("| 0.01-16-0.01-0 | 0.01 | 1e-2 | 16 | 0 | completed |"));
    }
}

/// <summary>Figures stay readable at scale: 40 learning rates × 8 batch sizes.</summary>
public sealed class LargeGridFigureTests
{
    [Test]
    public void A_large_grid_keeps_the_heatmap_bounded_and_every_figure_drawn()
    {
        using var dir = new TempDir();
        var lrs = Enumerable.Range(0, 40).Select(i => Math.Pow(10, -5 + i * 4.0 / 39)).ToList();
        var runs = (from lr in lrs
                    from b in new long[] { 8, 16, 32, 64, 128, 256, 512, 1024 }
                    select new RunRow
                    {
                        RunId = $"{lr}-{b}", Status = RunStatus.Completed, Optimizer = "adam", Lr = lr, BatchSize = b, Epochs = 1,
                        FinalTestLoss = Math.Abs(Math.Log10(lr) + 3) + b / 1000.0, FinalTrainLoss = 0.1, FinalTestAccuracy = 0.5, FinalTestAuc = 0.9,
                    }).ToList();
        var data = new ReportData("big", runs, new Dictionary<string, IReadOnlyList<EpochRow>>());

        var written = ReportWriter.Write(data, dir.Path).Select(Path.GetFileName).ToList();

        Assert.That(written, Does.Contain("test_accuracy_heatmap.png").And.Contain("final_test_loss_vs_lr.png"));
        using var heatmap = new PngImage(dir.File("test_accuracy_heatmap.png"));
        Assert.That((heatmap.Width, heatmap.Height), Is.EqualTo((1600, 1020)));
        using var curve = new PngImage(dir.File("final_test_loss_vs_lr.png"));
        Assert.That(curve.InkFraction(), Is.InRange(0.01, 0.9));
    }

    [Test]
    public void A_long_facet_slug_is_cut_to_a_file_name_and_stays_distinct()
    {
        static Facet Of(string last) => new(Enumerable.Range(0, 20).Select(i => new KeyValuePair<string, string>($"setting_{i}", "some-value"))
            .Append(new KeyValuePair<string, string>("last", last)).ToList());

        string a = Of("a").Slug, b = Of("b").Slug;

        Assert.That(a, Has.Length.EqualTo(Facet.MaxSlugLength));
        Assert.That(a, Is.Not.EqualTo(b), "the hash of the whole keeps facets that differ only past the cut apart");
        Assert.That(a, Does.StartWith("setting_0-some-value_setting_1-some-value"));
        Assert.That(new Facet([new("optimizer", "sgd")]).Slug, Is.EqualTo("optimizer-sgd"), "short slugs are unchanged");
    }
}
