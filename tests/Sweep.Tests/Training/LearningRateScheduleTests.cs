using Sweep.Planning;
using Sweep.Spec;
using Sweep.Tests.Support;
using Sweep.Training;

namespace Sweep.Tests.Training;

public sealed class LearningRateScheduleTests
{
    private static double[] Rates(string yaml)
    {
        RunConfig config = Plans.OneRun(yaml + "grid:\n  lr: [0.1]\n");
        return Enumerable.Range(1, config.Epochs).Select(e => Math.Round(LearningRateSchedule.At(config, e), 10)).ToArray();
    }

    [Test]
    public void Constant_is_the_default()
    {
        Assert.That(Rates("epochs: 3\n"), Is.EqualTo(new[] { 0.1, 0.1, 0.1 }));
    }

    [Test]
    public void Step_multiplies_by_gamma_every_step_size_epochs()
    {
        Assert.That(Rates("epochs: 5\nlr_schedule: step\nstep_size: 2\ngamma: 0.5\n"), Is.EqualTo(new[] { 0.1, 0.1, 0.05, 0.05, 0.025 }));
    }

    [Test]
    public void Cosine_falls_from_lr_towards_zero_after_a_linear_warmup()
    {
        double[] rates = Rates("epochs: 6\nlr_schedule: cosine\nwarmup_epochs: 2\n");

        Assert.That(rates.Take(2), Is.EqualTo(new[] { 0.1 / 3, 0.2 / 3 }).Within(1e-9));
        Assert.That(rates[2], Is.EqualTo(0.1));
        Assert.That(rates.Skip(2), Is.Ordered.Descending);
        Assert.That(rates[^1], Is.GreaterThan(0).And.LessThan(0.02));
    }

    [Test]
    public void Settings_added_later_keep_old_run_ids_while_at_their_defaults()
    {
        string plain = SweepPlanner.Parse("grid:\n  lr: [0.001]\n  batch_size: [64]\n", "s.yaml").Runs[0].RunId;
        string explicitDefaults = SweepPlanner.Parse("lr_schedule: constant\nwarmup_epochs: 0\nnesterov: false\ngrid:\n  lr: [0.001]\n  batch_size: [64]\n", "s.yaml").Runs[0].RunId;
        string changed = SweepPlanner.Parse("lr_schedule: cosine\ngrid:\n  lr: [0.001]\n  batch_size: [64]\n", "s.yaml").Runs[0].RunId;

        Assert.That(explicitDefaults, Is.EqualTo(plain));
        Assert.That(changed, Is.Not.EqualTo(plain));
    }
}
