using Sweep.Planning;
using Sweep.Spec;
using Sweep.Tests.Support;

namespace Sweep.Tests.Planning;

public sealed class RunIdentityTests
{
    private static RunConfig Single(string yaml) => Plans.OneRun(yaml);

    [Test]
    public void The_same_configuration_written_differently_has_the_same_id()
    {
        string a = RunIdentity.Of(Single("name: one\nepochs: 3\ngrid:\n  lr: [0.001]\n"));
        string b = RunIdentity.Of(Single("name: two\ngrid:\n  epochs: [3]\nlr: 1e-3\n"));

        Assert.That(a, Is.EqualTo(b));
        Assert.That(a, Has.Length.EqualTo(RunIdentity.Length));
    }

    [Test]
    public void Settings_that_change_training_change_the_id_and_speed_settings_do_not()
    {
        string baseline = RunIdentity.Of(Single("grid:\n  lr: [0.001]\n"));

        Assert.That(RunIdentity.Of(Single("grid:\n  lr: [0.002]\n")), Is.Not.EqualTo(baseline));
        Assert.That(RunIdentity.Of(Single("train_size: 100\ngrid:\n  lr: [0.001]\n")), Is.Not.EqualTo(baseline));
        Assert.That(RunIdentity.Of(Single("threads: 1\ndevice: cpu\ngrid:\n  lr: [0.001]\n")), Is.EqualTo(baseline));
    }

    [Test]
    public void Ids_are_stable_across_versions()
    {
        // Changing this id orphans every result people already have: only do it on purpose.
        Assert.That(RunIdentity.Of(Single("grid:\n  lr: [0.001]\n  batch_size: [64]\n")), Is.EqualTo("30c20012510d"));
    }
}
