using Sweep.Planning;
using Sweep.Spec;
using Sweep.Tests.Support;

namespace Sweep.Tests.Planning;

/// <summary>
/// Walks the setting catalog: every setting that changes what is trained changes a run's id when
/// its value changes, and no other setting does. A setting missing from RunConfig's mapping, or
/// dropped from the identity (divergence_factor was; a mutation dropping warmup_epochs survived
/// the suite), fails here.
/// </summary>
public sealed class CatalogIdentityTests
{
    private static readonly RunConfig Base = Plans.OneRun("name: id\ngrid:\n  lr: [0.01]\n");

    public static IEnumerable<TestCaseData> Settings() => SettingCatalog.All.Select(s => new TestCaseData(s.Name).SetName($"{s.Name} in the identity as the catalog says"));

    /// <summary>
    /// The only settings left out of a run's identity, each for a reason; every other one changes
    /// what is trained or how it ends. A new setting lands in the identity unless it is added here.
    /// </summary>
    private static readonly Dictionary<string, string> OutOfIdentity = new()
    {
        ["model_file"] = "the file's SHA-256 is in the identity instead of its path",
        ["data_dir"] = "where the same data set is found",
        ["download"] = "whether missing files may be fetched (checked by MD5)",
        ["mirror"] = "where they are fetched from",
        ["device"] = "speed only; the CPU twin sees the same batches",
        ["threads"] = "speed only",
        ["deterministic"] = "repeatability of the same computation",
        ["keep_checkpoints"] = "what is kept on disk",
        ["save_model"] = "what is kept on disk",
        ["lr_scaled_from_batch"] = "how the lr was written; the run's scaled lr is in the identity",
    };

    [Test]
    public void Only_the_listed_settings_stay_out_of_the_identity()
    {
        Assert.That(SettingCatalog.All.Where(s => !s.ChangesTraining).Select(s => s.Name), Is.EquivalentTo(OutOfIdentity.Keys));
    }

    [Test]
    public void RunConfig_maps_every_catalog_setting_and_nothing_else()
    {
        Assert.That(Base.ToValues().Select(p => p.Key), Is.EquivalentTo(SettingCatalog.All.Select(s => s.Name)));
    }

    [TestCaseSource(nameof(Settings))]
    public void A_changed_value_changes_the_id_exactly_when_the_setting_changes_training(string name)
    {
        SettingSpec spec = SettingCatalog.ByName[name];
        var values = Base.ToValues().ToDictionary(p => p.Key, p => p.Value);
        values[name] = Other(spec, values[name]);
        Assert.That(spec.Check(values[name]!), Is.Null, $"the test's other value for {name} is valid");

        string changed = RunIdentity.Of(RunConfig.FromValues(values));

        if (spec.ChangesTraining)
        {
            Assert.That(changed, Is.Not.EqualTo(RunIdentity.Of(Base)), $"{name} changes what is trained, so it must change the run id");
        }
        else
        {
            Assert.That(changed, Is.EqualTo(RunIdentity.Of(Base)), $"{name} does not change what is trained");
        }
    }

    [Test]
    public void A_setting_added_later_at_its_default_keeps_existing_ids()
    {
        // The id of the default run, as every Sweep since the first round computed it.
        Assert.That(RunIdentity.Of(Base), Is.EqualTo(RunIdentity.Of(Base with { DivergenceFactor = 10.0, WarmupEpochs = 0 })));
    }

    /// <summary>A valid value other than <paramref name="current"/>.</summary>
    private static object Other(SettingSpec spec, object? current)
    {
        IEnumerable<object> candidates = spec.Kind switch
        {
            SettingKind.Real => [current is double d ? d * 1.5 : 0.5, current is double e ? e / 2 : 0.25, 0.5, 2.0],
            SettingKind.Integer => [current is long l ? l + 1 : 32L, 1L, 2L, 3L, 32L],
            SettingKind.Flag => [!(bool)(current ?? false)],
            _ => new[] { ModelCatalog.Names, Sweep.Kernel.Choices.Inits, Sweep.Kernel.Choices.TargetMetrics, OptimizerCatalog.Names, Sweep.Kernel.Choices.LrSchedules, Sweep.Kernel.Choices.VggDepths, Sweep.Kernel.Choices.Devices, Sweep.Kernel.KnownDatasets.Names }
                .SelectMany(c => c).Append("other.pt").Append("https://example.org/data/").Append("x"),
        };
        return candidates.First(c => !Equals(c, current) && spec.Check(c) is null);
    }
}

/// <summary>The model and optimizer kinds: each declared once, each known to training and planning through that declaration.</summary>
public sealed class KindCatalogTests
{
    [Test]
    public void Every_model_kind_has_exactly_one_constructor()
    {
        Assert.That(Sweep.Training.ModelFactory.Constructors.Keys, Is.EquivalentTo(ModelCatalog.All));
    }

    [Test]
    public void Own_settings_are_catalog_settings()
    {
        var owned = ModelCatalog.All.SelectMany(m => m.OwnSettings).Concat(OptimizerCatalog.All.SelectMany(o => o.OwnSettings));
        Assert.That(owned.Where(name => !SettingCatalog.ByName.ContainsKey(name)), Is.Empty);
    }

    [Test]
    public void The_model_and_optimizer_settings_offer_exactly_the_kinds()
    {
        Assert.That(SettingCatalog.ByName["model"].Allowed, Is.EqualTo("one of small-cnn, seed-cnn, vgg, torchscript"));
        Assert.That(SettingCatalog.ByName["optimizer"].Allowed, Is.EqualTo("one of adam, adamw, sgd"));
    }

    [Test]
    public void A_setting_reads_back_what_it_writes()
    {
        RunConfig config = Plans.OneRun("name: x\ngrid:\n  lr: [0.01]\n");
        foreach (SettingSpec spec in SettingCatalog.All)
        {
            object? value = spec.Read(config);
            Assert.That(spec.Read(spec.Write(config, value)), Is.EqualTo(value), spec.Name);
        }
        Assert.That(RunConfig.FromValues(config.ToValues().ToDictionary(p => p.Key, p => p.Value)), Is.EqualTo(config));
    }
}

/// <summary>Every declared metric can be read from every row type: no metric falls back to another's value.</summary>
public sealed class MetricCatalogTests
{
    [Test]
    public void Every_ranking_metric_has_its_row_accessors()
    {
        Assert.That(Sweep.Storage.MetricValues.ByMetric.Keys, Is.EquivalentTo(Sweep.Kernel.Metric.Ranking));
    }

    [Test]
    public void Every_epoch_column_a_metric_names_exists_in_the_schema()
    {
        var columns = typeof(Sweep.Storage.EpochRow).GetProperties().Select(p => string.Concat(p.Name.Select((c, i) => i > 0 && char.IsUpper(c) ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString())));
        Assert.That(Sweep.Kernel.Metric.Ranking.Select(m => m.EpochColumn).Where(c => !columns.Contains(c)), Is.Empty);
    }
}
