using Sweep.Kernel;
using Sweep.Planning;
using Sweep.Tests.Support;

namespace Sweep.Tests.Spec;

/// <summary>Generators, zip, repeats and extends.</summary>
public sealed class SweepFileLanguageTests
{
    private static SweepPlan Parse(string yaml) => SweepPlanner.Parse(yaml, "s.yaml");

    [Test]
    public void Logspace_includes_both_ends_with_clean_values()
    {
        var lrs = Parse("grid:\n  lr: {logspace: [1e-5, 1e-1, 9]}\n").Runs.Select(r => r.Config.Lr);

        Assert.That(lrs, Is.EqualTo(new[] { 1e-5, 3.16227766017e-5, 1e-4, 3.16227766017e-4, 1e-3, 3.16227766017e-3, 1e-2, 3.16227766017e-2, 1e-1 }));
    }

    [Test]
    public void Linspace_and_pow2_generate_the_values_people_expect()
    {
        Assert.That(Parse("optimizer: sgd\ngrid:\n  momentum: {linspace: [0, 0.9, 4]}\n").Runs.Select(r => r.Config.Momentum), Is.EqualTo(new[] { 0, 0.3, 0.6, 0.9 }));
        Assert.That(Parse("grid:\n  batch_size: {pow2: [16, 256]}\n").Runs.Select(r => r.Config.BatchSize), Is.EqualTo(new[] { 16, 32, 64, 128, 256 }));
        Assert.That(Parse("grid:\n  epochs: {linspace: [1, 5, 3]}\n").Runs.Select(r => r.Config.Epochs), Is.EqualTo(new[] { 1, 3, 5 }));
    }

    [Test]
    public void Zip_rows_advance_together_and_multiply_with_the_grid()
    {
        SweepPlan plan = Parse("zip:\n  lr: [0.001, 0.004, 0.016]\n  batch_size: [16, 64, 256]\ngrid:\n  optimizer: [adam, sgd]\n");

        Assert.That(plan.Runs, Has.Count.EqualTo(6));
        Assert.That(plan.Runs.Select(r => (r.Config.Optimizer, r.Config.Lr, r.Config.BatchSize)), Is.EqualTo(new[]
        {
            ("adam", 0.001, 16), ("adam", 0.004, 64), ("adam", 0.016, 256),
            ("sgd", 0.001, 16), ("sgd", 0.004, 64), ("sgd", 0.016, 256),
        }));
        Assert.That(plan.VaryingSettings, Is.EquivalentTo(new[] { "optimizer", "lr", "batch_size" }));
    }

    [Test]
    public void Repeats_derive_seeds_from_seed()
    {
        SweepPlan plan = Parse("seed: 10\nrepeats: 3\ngrid:\n  lr: [0.1, 0.01]\n");

        Assert.That(plan.Runs.Select(r => (r.Config.Lr, r.Config.Seed)), Is.EqualTo(new[]
        {
            (0.1, 10L), (0.1, 11L), (0.1, 12L), (0.01, 10L), (0.01, 11L), (0.01, 12L),
        }));
        Assert.That(plan.VaryingSettings, Does.Contain("seed"));
    }

    [Test]
    public void Extends_takes_the_parent_and_lets_the_local_file_win()
    {
        using var dir = new TempDir();
        dir.Write("base.yaml", "name: base\nepochs: 5\nlr: 0.5\noptimizer: sgd\ngrid:\n  batch_size: [16, 32]\n  momentum: [0.5, 0.9]\n");
        string child = dir.Write("exp/child.yaml", "extends: ../base.yaml\nname: child\noptimizer: adam\ngrid:\n  lr: [0.1, 0.01]\n  momentum: [0.0]\n");

        SweepPlan plan = SweepPlanner.Load(child);

        Assert.That(plan.Name, Is.EqualTo("child"));
        Assert.That(plan.Runs, Has.Count.EqualTo(4), "batch_size × lr, momentum replaced by the child's");
        Assert.That(plan.Runs.Select(r => r.Config.Optimizer).Distinct(), Is.EqualTo(new[] { "adam" }));
        Assert.That(plan.Runs.Select(r => r.Config.Epochs).Distinct(), Is.EqualTo(new[] { 5 }));
        Assert.That(plan.Runs.Select(r => r.Config.Momentum).Distinct(), Is.EqualTo(new[] { 0.0 }));
        Assert.That(plan.Runs.Select(r => r.Config.Lr).Distinct(), Is.EqualTo(new[] { 0.1, 0.01 }), "the child's grid lr replaces the parent's base lr");
        Assert.That(plan.SourceText, Does.Contain("name: base"), "the parent's text is recorded too");
    }

    [Test]
    public void An_extends_cycle_is_reported_with_its_path()
    {
        using var dir = new TempDir();
        dir.Write("a.yaml", "extends: b.yaml\ngrid:\n  lr: [0.1]\n");
        dir.Write("b.yaml", "extends: a.yaml\n");

        var error = Assert.Throws<SweepInputException>(() => SweepPlanner.Load(dir.File("a.yaml")))!;

        Assert.That(error.Message, Does.Contain("b.yaml:1:10: 'extends: a.yaml' makes a cycle (a.yaml → b.yaml → a.yaml)"));
    }

    [Test]
    public void An_error_in_a_parent_names_the_parent_file()
    {
        using var dir = new TempDir();
        dir.Write("base.yaml", "epochs: ten\n");
        dir.Write("child.yaml", "extends: base.yaml\ngrid:\n  lr: [0.1]\n");

        var error = Assert.Throws<SweepInputException>(() => SweepPlanner.Load(dir.File("child.yaml")))!;

        Assert.That(error.Message, Does.StartWith(dir.File("base.yaml") + ":1:9: 'epochs' must be a whole number"));
    }
}
