using Sweep.Kernel;
using Sweep.Planning;

namespace Sweep.Tests.Cluster;

public sealed class ShardingTests
{
    private static SweepPlan Plan() => SweepPlanner.Parse(
        "repeats: 2\ngrid:\n  lr: [0.1, 0.01, 0.001]\n  batch_size: [16, 64, 256]\n  epochs: [1, 4]\n", "s.yaml");

    [Test]
    public void Shards_cover_every_run_exactly_once_and_are_stable()
    {
        SweepPlan plan = Plan();

        var shards = ShardPlanner.Partition(plan.Runs, 4);

        Assert.That(shards.SelectMany(s => s).Select(r => r.RunId), Is.EquivalentTo(plan.Runs.Select(r => r.RunId)));
        var reversed = ShardPlanner.Partition(plan.Runs.Reverse().ToList(), 4);
        Assert.That(reversed.Select(s => s.Select(r => r.RunId).Order()), Is.EqualTo(shards.Select(s => s.Select(r => r.RunId).Order())),
            "the partition depends on the runs, not on their order");
    }

    [Test]
    public void Shards_balance_the_estimated_cost()
    {
        var shards = ShardPlanner.Partition(Plan().Runs, 4);

        double[] costs = shards.Select(s => s.Sum(ShardPlanner.Cost)).ToArray();
        Assert.That(costs.Max() / costs.Min(), Is.LessThan(1.3), string.Join(", ", costs));
    }

    [TestCase("1/4", 1, 4)]
    [TestCase("0/1", 0, 1)]
    public void Parses_an_explicit_shard(string text, int index, int count)
    {
        Assert.That(ShardSpec.Parse(text, _ => null), Is.EqualTo(new ShardSpec(index, count)));
    }

    [Test]
    public void Auto_reads_the_Slurm_array_task()
    {
        var env = new Dictionary<string, string> { ["SLURM_ARRAY_TASK_ID"] = "7", ["SLURM_ARRAY_TASK_MIN"] = "5", ["SLURM_ARRAY_TASK_COUNT"] = "3" };

        Assert.That(ShardSpec.Parse("auto", k => env.GetValueOrDefault(k)), Is.EqualTo(new ShardSpec(2, 3)));
        var outside = Assert.Throws<SweepInputException>(() => ShardSpec.Parse("auto", _ => null))!;
        Assert.That(outside.Message, Does.Contain("only a Slurm job array sets"));
    }

    [TestCase("4/4")]
    [TestCase("a/b")]
    [TestCase("1")]
    public void Rejects_a_bad_shard(string text)
    {
        Assert.Throws<SweepInputException>(() => ShardSpec.Parse(text, _ => null));
    }
}
