using System.Collections.Frozen;
using Sweep.Kernel;

namespace Sweep.Spec;

/// <summary>Every setting a sweep file knows, with its type, default and allowed values.</summary>
internal static class SettingCatalog
{
    /// <summary>
    /// Every run setting, in the order of a run's canonical text (its id hashes it in this order:
    /// append new settings, never reorder). Each entry is the setting's only declaration: name,
    /// type, default, check, whether it is part of the identity, and its property in RunConfig.
    /// </summary>
    public static readonly IReadOnlyList<SettingSpec> All =
    [
        Choice("dataset", KnownDatasets.DefaultName, KnownDatasets.Names, c => c.Dataset, (c, v) => c with { Dataset = v }),
        Choice("model", ModelCatalog.Default.Name, ModelCatalog.Names, c => c.Model, (c, v) => c with { Model = v }),
        Choice("optimizer", OptimizerCatalog.Default.Name, OptimizerCatalog.Names, c => c.Optimizer, (c, v) => c with { Optimizer = v }),
        Number("lr", 0.001, true, PositiveReal, "a number greater than 0, such as 0.001 or 1e-3", c => c.Lr, (c, v) => c with { Lr = v }),
        Whole("batch_size", 64L, true, AtLeast(1), "a whole number of at least 1", c => c.BatchSize, (c, v) => c with { BatchSize = v }),
        // The linear scaling rule (Goyal et al. 2017) as a control: lr is given for this batch size and
        // scaled with each run's. Left out of the identity: the run's own (scaled) lr is in it.
        OptionalWhole("lr_scaled_from_batch", false, AtLeast(1), "a whole number: the batch size the lr is given for; each run trains with lr × batch_size / this (the linear scaling rule)",
            c => c.LrScaledFromBatch, (c, v) => c with { LrScaledFromBatch = v }, addedLater: true),
        Whole("epochs", 3L, true, AtLeast(1), "a whole number of at least 1", c => c.Epochs, (c, v) => c with { Epochs = v }),
        new("seed", SettingKind.Integer, 0L, true, AtLeast(0), "a whole number of at least 0") { Read = c => c.Seed, Write = (c, v) => c with { Seed = (long)v! } },
        OptionalWhole("train_size", true, AtLeast(1), "a whole number of at least 1 (default: the whole training set)", c => c.TrainSize, (c, v) => c with { TrainSize = v }),
        OptionalWhole("test_size", true, AtLeast(1), "a whole number of at least 1 (default: the whole test set)", c => c.TestSize, (c, v) => c with { TestSize = v }),
        // Held out of the training set; what chooses (best lr, best cell, best epoch) chooses on it, never on test.
        OptionalWhole("validation_size", true, AtLeast(1), "a whole number of at least 1, the training images held out to choose on (default: none)",
            c => c.ValidationSize, (c, v) => c with { ValidationSize = v }, addedLater: true),
        // Steps to a target (Shallue et al. 2019): evaluate every target_every training images, stop when the metric reaches target_value; epochs is the cap.
        Choice("target_metric", "none", Choices.TargetMetrics, c => c.TargetMetric, (c, v) => c with { TargetMetric = v }, addedLater: true),
        new("target_value", SettingKind.Real, null, true, FiniteReal, "a number: the loss to get below, or the accuracy (0 to 1) to reach", AddedLater: true)
            { Read = c => c.TargetValue, Write = (c, v) => c with { TargetValue = (double?)v } },
        OptionalWhole("target_every", true, AtLeast(1), "a whole number of training images between evaluations, the same for every batch size (default: one epoch)",
            c => c.TargetEvery, (c, v) => c with { TargetEvery = v }, addedLater: true),
        Flag("evaluate_train", true, "true or false (evaluate the training images at the end of each epoch, as for test, for a clean generalisation gap)",
            c => c.EvaluateTrain, (c, v) => c with { EvaluateTrain = v }, addedLater: true),
        Flag("augment", true, "true or false", c => c.Augment, (c, v) => c with { Augment = v }),
        Number("momentum", 0.9, true, Fraction, "a number from 0 up to (not including) 1", c => c.Momentum, (c, v) => c with { Momentum = v }),
        Number("weight_decay", 0.0, true, NonNegativeReal, "a number of at least 0", c => c.WeightDecay, (c, v) => c with { WeightDecay = v }),
        Flag("final_relu", true, "true or false", c => c.FinalRelu, (c, v) => c with { FinalRelu = v }),
        Flag("nesterov", true, "true or false (sgd only)", c => c.Nesterov, (c, v) => c with { Nesterov = v }, addedLater: true),
        Choice("lr_schedule", "constant", Choices.LrSchedules, c => c.LrSchedule, (c, v) => c with { LrSchedule = v }, addedLater: true),
        Whole("step_size", 30L, true, AtLeast(1), "a whole number of epochs of at least 1 (lr_schedule: step)", c => c.StepSize, (c, v) => c with { StepSize = v }, addedLater: true),
        Number("gamma", 0.1, true, PositiveReal, "a number greater than 0, the factor of each step (lr_schedule: step)", c => c.Gamma, (c, v) => c with { Gamma = v }, addedLater: true),
        Whole("warmup_epochs", 0L, true, AtLeast(0), "a whole number of at least 0 (lr rises linearly over these epochs)", c => c.WarmupEpochs, (c, v) => c with { WarmupEpochs = v }, addedLater: true),
        Choice("vgg_depth", "11", Choices.VggDepths, c => c.VggDepth, (c, v) => c with { VggDepth = v }, addedLater: true),
        Whole("vgg_width", 64L, true, AtLeast(4), "a whole number of at least 4, the channels of the first VGG block", c => c.VggWidth, (c, v) => c with { VggWidth = v }, addedLater: true),
        OptionalWhole("image_size", true, Between(4, 1024), "a whole number from 4 to 1024, the side of the square images are brought to (dataset: imagefolder; default: the first training image's shorter side)",
            c => c.ImageSize, (c, v) => c with { ImageSize = v }, addedLater: true),
        Whole("image_channels", 3L, true, v => (long)v is 1 or 3 ? null : $"{v} is neither 1 nor 3", "1 (grayscale) or 3 (RGB) (dataset: imagefolder)",
            c => c.ImageChannels, (c, v) => c with { ImageChannels = v }, addedLater: true),
        Text("data_dir", _ => null, "a folder path, relative to the sweep file (default: built-in places only)", c => c.DataDir, (c, v) => c with { DataDir = v }),
        Flag("download", false, "true or false (fetch missing data from the official site, checked by MD5)", c => c.Download, (c, v) => c with { Download = v }),
        Text("mirror", Url, "an http(s) URL of a folder that holds the data set's official files", c => c.Mirror, (c, v) => c with { Mirror = v }),
        Choice("device", "auto", Choices.Devices, c => c.Device, (c, v) => c with { Device = v }, changesTraining: false),
        Whole("threads", 0L, false, AtLeast(0), "a whole number of at least 0 (0: one per CPU core)", c => c.Threads, (c, v) => c with { Threads = v }),
        Flag("deterministic", false, "true or false", c => c.Deterministic, (c, v) => c with { Deterministic = v }),
        // Part of the identity: raised, a run that diverged before is trained again (its ending would differ).
        Number("divergence_factor", 10.0, true, AboveOne, "a number greater than 1 (a run diverges when its training loss exceeds this × ln(classes))",
            c => c.DivergenceFactor, (c, v) => c with { DivergenceFactor = v }, addedLater: true),
        Flag("keep_checkpoints", false, "true or false", c => c.KeepCheckpoints, (c, v) => c with { KeepCheckpoints = v }),
        Flag("save_model", false, "true or false", c => c.SaveModel, (c, v) => c with { SaveModel = v }),
        // The file's path does not decide the run (its SHA-256 does, added to the run's identity by the planner).
        Text("model_file", _ => null, "the path of a TorchScript model (.pt), relative to the sweep file (model: torchscript)", c => c.ModelFile, (c, v) => c with { ModelFile = v }, addedLater: true),
        Choice("init", "file", Choices.Inits, c => c.Init, (c, v) => c with { Init = v }, addedLater: true),
    ];

    public static readonly FrozenDictionary<string, SettingSpec> ByName =
        All.ToFrozenDictionary(s => s.Name, StringComparer.Ordinal);

    /// <summary>Keys of a sweep file that are not run settings.</summary>
    public static readonly IReadOnlyList<string> StructuralKeys = ["name", "grid", "zip", "repeats", "extends", "parallel", "fuse", "fuse_max", "reference", "halving", "target"];

    /// <summary>Names people often write instead of ours.</summary>
    public static readonly FrozenDictionary<string, string> Aliases = new Dictionary<string, string>
    {
        ["learning_rate"] = "lr",
        ["learningrate"] = "lr",
        ["batchsize"] = "batch_size",
        ["batch"] = "batch_size",
        ["num_epochs"] = "epochs",
        ["n_epochs"] = "epochs",
        ["optim"] = "optimizer",
        ["data"] = "dataset",
        ["wd"] = "weight_decay",
    }.ToFrozenDictionary();

    private static SettingSpec Choice(string name, string defaultValue, IReadOnlyList<string> names,
        Func<RunConfig, string> get, Func<RunConfig, string, RunConfig> set, bool changesTraining = true, bool addedLater = false) =>
        new(name, SettingKind.Text, defaultValue, changesTraining,
            v => names.Contains((string)v) ? null : $"'{v}' is not a known {name}",
            "one of " + string.Join(", ", names), addedLater)
        { Read = c => get(c), Write = (c, v) => set(c, (string)v!) };

    /// <summary>A path or URL: never part of the identity (what it points at decides the run, not where it lies).</summary>
    private static SettingSpec Text(string name, Func<object, string?> check, string allowed,
        Func<RunConfig, string> get, Func<RunConfig, string, RunConfig> set, bool addedLater = false) =>
        new(name, SettingKind.Text, "", false, check, allowed, addedLater) { Read = c => get(c), Write = (c, v) => set(c, (string)v!) };

    private static SettingSpec Number(string name, double defaultValue, bool changesTraining, Func<object, string?> check, string allowed,
        Func<RunConfig, double> get, Func<RunConfig, double, RunConfig> set, bool addedLater = false) =>
        new(name, SettingKind.Real, defaultValue, changesTraining, check, allowed, addedLater) { Read = c => get(c), Write = (c, v) => set(c, (double)v!) };

    /// <summary>A whole number held as an int in RunConfig (the file and the store hold longs).</summary>
    private static SettingSpec Whole(string name, long defaultValue, bool changesTraining, Func<object, string?> check, string allowed,
        Func<RunConfig, int> get, Func<RunConfig, int, RunConfig> set, bool addedLater = false) =>
        new(name, SettingKind.Integer, defaultValue, changesTraining, check, allowed, addedLater)
        { Read = c => (long)get(c), Write = (c, v) => set(c, checked((int)(long)v!)) };

    /// <summary>A whole number that may be left unset (null: the setting's "whole data set" or "none").</summary>
    private static SettingSpec OptionalWhole(string name, bool changesTraining, Func<object, string?> check, string allowed,
        Func<RunConfig, int?> get, Func<RunConfig, int?, RunConfig> set, bool addedLater = false) =>
        new(name, SettingKind.Integer, null, changesTraining, check, allowed, addedLater)
        { Read = c => get(c) is { } n ? (long)n : null, Write = (c, v) => set(c, v is long n ? checked((int)n) : null) };

    private static SettingSpec Flag(string name, bool changesTraining, string allowed,
        Func<RunConfig, bool> get, Func<RunConfig, bool, RunConfig> set, bool addedLater = false) =>
        new(name, SettingKind.Flag, false, changesTraining, _ => null, allowed, addedLater) { Read = c => get(c), Write = (c, v) => set(c, (bool)v!) };

    private static string? FiniteReal(object value) => double.IsFinite((double)value) ? null : $"{Format((double)value)} is not a finite number";

    private static string? PositiveReal(object value)
    {
        double v = (double)value;
        return double.IsFinite(v) && v > 0 ? null : $"{Format(v)} is not greater than 0";
    }

    private static string? Url(object value) =>
        (string)value == "" || Uri.TryCreate((string)value, UriKind.Absolute, out Uri? uri) && uri.Scheme is "http" or "https"
            ? null : $"'{value}' is not an http(s) URL";

    private static string? AboveOne(object value)
    {
        double v = (double)value;
        return double.IsFinite(v) && v > 1 ? null : $"{Format(v)} is not greater than 1";
    }

    private static string? NonNegativeReal(object value)
    {
        double v = (double)value;
        return double.IsFinite(v) && v >= 0 ? null : $"{Format(v)} is negative or not finite";
    }

    private static string? Fraction(object value)
    {
        double v = (double)value;
        return double.IsFinite(v) && v >= 0 && v < 1 ? null : $"{Format(v)} is outside [0, 1)";
    }

    private static Func<object, string?> Between(long minimum, long maximum) =>
        value => (long)value < minimum ? $"{value} is less than {minimum}" : (long)value > maximum ? $"{value} is more than {maximum}" : null;

    private static Func<object, string?> AtLeast(long minimum) =>
        value => (long)value >= minimum ? null : $"{value} is less than {minimum}";

    private static string Format(double v) => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
}
