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

/// <summary>
/// Ids people already hold: every run stored in the committed results databases (written by
/// earlier releases) gets its stored id back from its stored settings, and a run that sets every
/// setting added later keeps the id the release before the catalog redesign gave it.
/// </summary>
public sealed class StoredIdentityTests
{
    [TestCase("kandel-castelli-fashion")]
    [TestCase("kandel-castelli-validation")]
    [TestCase("steps-to-target")]
    public void Every_committed_run_keeps_its_id(string experiment)
    {
        string path = Path.Combine(RepoPaths.Root, "results", experiment, "results.db");
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT run_id, config_json FROM runs";
        using var reader = command.ExecuteReader();
        int count = 0;
        while (reader.Read())
        {
            RunConfig config = RunConfig.FromJson(reader.GetString(1)) ?? throw new AssertionException($"run {reader.GetString(0)}: config_json does not read back");
            Assert.That(RunIdentity.Of(config), Is.EqualTo(reader.GetString(0)));
            count++;
        }
        Assert.That(count, Is.GreaterThan(10));
    }

    [Test]
    public void A_run_that_sets_every_later_setting_keeps_its_id()
    {
        var values = SettingCatalog.All.ToDictionary(s => s.Name, s => s.Default);
        values["lr_scaled_from_batch"] = 64L;
        values["validation_size"] = 500L;
        values["target_metric"] = "val_loss";
        values["target_value"] = 0.5;
        values["target_every"] = 1000L;
        values["evaluate_train"] = true;
        values["nesterov"] = true;
        values["optimizer"] = "sgd";
        values["lr_schedule"] = "step";
        values["step_size"] = 7L;
        values["gamma"] = 0.5;
        values["warmup_epochs"] = 2L;
        values["vgg_depth"] = "16";
        values["vgg_width"] = 32L;
        values["model"] = "torchscript";
        values["model_file"] = "net.pt";
        values["init"] = "seed";
        values["dataset"] = "imagefolder";
        values["image_size"] = 32L;
        values["image_channels"] = 1L;
        values["divergence_factor"] = 20.0;
        values[RunConfig.ModelHashKey] = new string('a', 64);
        RunConfig config = RunConfig.FromValues(values);

        Assert.That(RunIdentity.Of(config), Is.EqualTo("69c729384cd8"));
        Assert.That(RunIdentity.ConfigurationKey(config), Is.EqualTo("5825a9830f7f"));
    }
}
