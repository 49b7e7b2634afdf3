using Sweep.Planning;
using Sweep.Tests.Support;

namespace Sweep.Tests.Planning;

/// <summary>Runs that differ only in a setting the rest of their configuration ignores are planned once.</summary>
public sealed class InertSettingsTests
{
    [Test]
    public void Momentum_is_crossed_only_with_sgd_and_the_kept_runs_keep_their_ids()
    {
        SweepPlan plan = Plans.Of("grid:\n  lr: [0.01, 0.001]\n  optimizer: [adam, sgd]\n  momentum: [0, 0.9]\n");

        Assert.That(plan.Runs.Select(r => (r.Config.Lr, r.Config.Optimizer, r.Config.Momentum)), Is.EqualTo(new[]
        {
            (0.01, "adam", 0.0), (0.01, "sgd", 0.0), (0.01, "sgd", 0.9),
            (0.001, "adam", 0.0), (0.001, "sgd", 0.0), (0.001, "sgd", 0.9),
        }), "the first of each repeat is kept, in plan order");
        Assert.That(plan.Notes, Is.EqualTo(new[] { "momentum has no effect with optimizer adam, so 2 runs that would repeat another run of the plan are left out" }));
        Assert.That(plan.Runs.Select(r => r.RunId), Is.EqualTo(plan.Runs.Select(r => RunIdentity.Of(r.Config))), "ids are what they always were");
    }

    [TestCase("lr_schedule: cosine\ngrid:\n  lr: [0.1]\n  gamma: [0.5, 0.1]\n  step_size: [2, 3]\n", 1, "gamma and step_size have no effect with lr_schedule cosine, so 3 runs")]
    [TestCase("grid:\n  lr: [0.1]\n  model: [small-cnn, vgg]\n  vgg_width: [8, 16]\n", 3, "vgg_width has no effect with model small-cnn, so 1 run that would repeat another run of the plan is left out")]
    [TestCase("grid:\n  lr: [0.1]\n  model: [small-cnn, seed-cnn]\n  final_relu: [true, false]\n", 3, "final_relu has no effect with model small-cnn")]
    [TestCase("grid:\n  lr: [0.1]\n  image_size: [16, 32]\n", 1, "image_size has no effect with dataset fashion-mnist-mini")]
    [TestCase("grid:\n  lr: [0.1]\n  init: [file, seed]\n", 1, "init has no effect with model small-cnn")]
    public void A_setting_the_configuration_ignores_does_not_multiply_runs(string yaml, int runs, string note)
    {
        SweepPlan plan = Plans.Of(yaml);

        Assert.That(plan.Runs, Has.Count.EqualTo(runs));
        Assert.That(plan.Notes, Has.Exactly(1).StartsWith(note));
    }

    [TestCase("grid:\n  lr: [0.1]\n  optimizer: [sgd]\n  momentum: [0, 0.9]\n", 2)]
    [TestCase("lr_schedule: step\ngrid:\n  lr: [0.1]\n  gamma: [0.5, 0.1]\n", 2)]
    [TestCase("model: vgg\ngrid:\n  lr: [0.1]\n  vgg_width: [8, 16]\n", 2)]
    [TestCase("grid:\n  lr: [0.1, 0.01]\n  batch_size: [16, 64]\n", 4)]
    public void A_setting_that_matters_keeps_every_run_and_says_nothing(string yaml, int runs)
    {
        SweepPlan plan = Plans.Of(yaml);

        Assert.That(plan.Runs, Has.Count.EqualTo(runs));
        Assert.That(plan.Notes, Is.Empty);
    }

    [Test]
    public void Plan_and_sweep_print_what_was_left_out()
    {
        using var dir = new TempDir();
        string file = dir.Write("s.yaml", "name: m\ntrain_size: 100\ntest_size: 50\nepochs: 1\ngrid:\n  optimizer: [adam, sgd]\n  momentum: [0, 0.9]\n");

        foreach (string[] command in new[] { new[] { "plan", file, "--db", dir.File("r.db") }, new[] { "sweep", file, "--db", dir.File("r.db"), "--dry-run" } })
        {
            CliResult result = InProcessCli.Run(command);
            Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
            Assert.That(result.Output(), Does.Contain("note: momentum has no effect with optimizer adam, so 1 run that would repeat another run of the plan is left out."));
        }
    }
}
