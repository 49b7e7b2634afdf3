using Sweep.Planning;
using Sweep.Tests.Support;

namespace Sweep.Tests.Planning;

/// <summary>The linear scaling control (Goyal et al. 2017): lr given for one batch size, scaled with each run's.</summary>
public sealed class LinearScalingTests
{
    [Test]
    public void The_lr_is_scaled_with_the_batch_size_and_the_runs_are_those_of_the_explicit_pairs()
    {
        using var dir = new TempDir();
        SweepPlan scaled = SweepPlanner.Parse("name: ls\nlr: 0.001\nlr_scaled_from_batch: 16\ngrid:\n  batch_size: [16, 64, 256]\n", dir.File("s.yaml"));
        SweepPlan explicitPairs = SweepPlanner.Parse("name: ls\nzip:\n  batch_size: [16, 64, 256]\n  lr: [0.001, 0.004, 0.016]\n", dir.File("s.yaml"));

        Assert.That(scaled.Runs.Select(r => (r.Config.BatchSize, r.Config.Lr)), Is.EqualTo(new[] { (16, 0.001), (64, 0.004), (256, 0.016) }));
        Assert.That(scaled.Runs.Select(r => r.RunId), Is.EqualTo(explicitPairs.Runs.Select(r => r.RunId)),
            "a run is its settings: the same lr and batch size written either way are the same run");
    }

    [Test]
    public void The_control_beside_a_grid_keeps_its_own_learning_rates_through_extends()
    {
        using var dir = new TempDir();
        dir.Write("base.yaml", "name: grid\nlr: 0.001\ngrid:\n  batch_size: [16, 64]\n");
        string control = dir.Write("control.yaml", "extends: base.yaml\nname: control\nlr_scaled_from_batch: 16\n");

        CliResult plan = SweepCli.Run(dir.Path, "plan", "control.yaml");

        Assert.That(plan.ExitCode, Is.EqualTo(0), plan.ToString());
        Assert.That(SweepPlanner.Load(control).Runs.Select(r => r.Config.Lr), Is.EqualTo(new[] { 0.001, 0.004 }));
    }
}
