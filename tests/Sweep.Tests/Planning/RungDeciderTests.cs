using Sweep.Planning;
using Sweep.Spec;

namespace Sweep.Tests.Planning;

/// <summary>Successive-halving decisions on hand-made metric tables.</summary>
public sealed class RungDeciderTests
{
    private static readonly HalvingSpec ByLoss = new(1, 3, "test_loss", []);

    [Test]
    public void Rungs_grow_by_eta_and_stop_below_the_last_epoch()
    {
        Assert.That(ByLoss.Rungs(9), Is.EqualTo(new[] { 1, 3 }));
        Assert.That(ByLoss.Rungs(10), Is.EqualTo(new[] { 1, 3, 9 }));
        Assert.That(new HalvingSpec(2, 2, "test_loss", []).Rungs(16), Is.EqualTo(new[] { 2, 4, 8 }));
        Assert.That(ByLoss.Rungs(1), Is.Empty, "a one-epoch run has nothing to decide");
    }

    [Test]
    public void Configurations_are_ranked_by_their_mean_over_seeds_and_all_seeds_share_one_fate()
    {
        // Config a: seeds 0.50 and 0.90 (mean 0.70); b: 0.60 and 0.60 (0.60); c: 0.65 and 0.95 (0.80).
        // The best single run is a's 0.50, but b has the best mean.
        var entries = new[]
        {
            new RungEntry("a1", "a", "", 0.50), new RungEntry("a2", "a", "", 0.90),
            new RungEntry("b1", "b", "", 0.60), new RungEntry("b2", "b", "", 0.60),
            new RungEntry("c1", "c", "", 0.65), new RungEntry("c2", "c", "", 0.95),
        };
        var decisions = RungDecider.Decide(ByLoss, 1, entries).ToDictionary(d => d.RunId);

        Assert.That(decisions.Values.Where(d => d.Kept).Select(d => d.RunId), Is.EquivalentTo(new[] { "b1", "b2" }));
        Assert.That((decisions["b1"].Rank, decisions["a2"].Rank, decisions["c1"].Rank), Is.EqualTo((1, 2, 3)));
        Assert.That(decisions["a1"].ConfigurationMean, Is.EqualTo(0.70).Within(1e-12));
        Assert.That(decisions["a1"].Value, Is.EqualTo(0.50));
    }

    [Test]
    public void Higher_is_better_for_accuracy_and_diverged_runs_rank_last()
    {
        var spec = new HalvingSpec(1, 2, "test_accuracy", []);
        var entries = new[]
        {
            new RungEntry("r1", "k1", "", 0.30), new RungEntry("r2", "k2", "", 0.90),
            new RungEntry("r3", "k3", "", null), new RungEntry("r4", "k4", "", double.NaN),
        };
        var decisions = RungDecider.Decide(spec, 1, entries).OrderBy(d => d.Rank).ToList();
        Assert.That(decisions.Select(d => d.RunId).Take(2), Is.EqualTo(new[] { "r2", "r1" }));
        Assert.That(decisions.Where(d => d.Kept).Select(d => d.RunId), Is.EqualTo(new[] { "r2", "r1" }), "4 / eta 2 = 2 kept");
        Assert.That(decisions.Skip(2).Select(d => d.ConfigurationMean), Is.All.Null, "diverged or NaN: worst, no mean");
    }

    [Test]
    public void Ties_go_to_the_smaller_run_id_whatever_the_order_of_arrival()
    {
        var entries = new[] { new RungEntry("ff", "x", "", 0.5), new RungEntry("0a", "y", "", 0.5), new RungEntry("77", "z", "", 0.5) };
        foreach (var order in new[] { entries, entries.Reverse().ToArray(), new[] { entries[1], entries[2], entries[0] } })
        {
            var kept = RungDecider.Decide(ByLoss, 1, order).Single(d => d.Kept);
            Assert.That(kept.RunId, Is.EqualTo("0a"));
        }
    }

    [Test]
    public void Within_groups_rank_separately_so_every_batch_size_keeps_its_best()
    {
        var spec = ByLoss with { Within = ["batch_size"] };
        var entries = new[]
        {
            new RungEntry("s1", "s1", "batch_size=16", 0.9), new RungEntry("s2", "s2", "batch_size=16", 0.8), new RungEntry("s3", "s3", "batch_size=16", 0.7),
            new RungEntry("l1", "l1", "batch_size=256", 2.0), new RungEntry("l2", "l2", "batch_size=256", 1.5), new RungEntry("l3", "l3", "batch_size=256", 1.9),
        };
        var kept = RungDecider.Decide(spec, 1, entries).Where(d => d.Kept).Select(d => d.RunId);
        Assert.That(kept, Is.EquivalentTo(new[] { "s3", "l2" }), "without grouping both survivors would be small-batch runs");
    }

    [Test]
    public void The_epoch_budget_counts_every_configuration_to_the_first_rung_and_only_survivors_beyond()
    {
        // 9 learning rates × 3 seeds in each of 3 batch sizes, 9 epochs, rungs 1 and 3:
        // per group 9×3×1 + 3×3×2 + 1×3×6 = 27 + 18 + 18 = 63, against 9×3×9 = 243 without halving.
        var runs = from batch in new[] { "16", "64", "256" }
                   from lr in Enumerable.Range(0, 9)
                   from seed in Enumerable.Range(0, 3)
                   select (Group: batch, ConfigurationKey: $"{batch}/{lr}");
        Assert.That(RungDecider.EpochBudget(ByLoss with { Within = ["batch_size"] }, 9, runs.ToList()), Is.EqualTo(3 * 63));
        Assert.That(RungDecider.EpochBudget(ByLoss, 9, runs.Select(r => (Group: "", r.ConfigurationKey)).ToList()),
            Is.EqualTo(27 * 3 + 9 * 3 * 2 + 3 * 3 * 6), "one group of 27 configurations: 27 → 9 → 3");
    }
}
