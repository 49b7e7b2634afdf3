using System.Collections.Frozen;
using Sweep.Kernel;

namespace Sweep.Spec;

/// <summary>Every setting a sweep file knows, with its type, default and allowed values.</summary>
internal static class SettingCatalog
{
    public static readonly IReadOnlyList<SettingSpec> All =
    [
        Choice("dataset", KnownDatasets.DefaultName, KnownDatasets.Names),
        Choice("model", Choices.DefaultModel, Choices.Models),
        Choice("optimizer", "adam", Choices.Optimizers),
        new("lr", SettingKind.Real, 0.001, true, PositiveReal, "a number greater than 0, such as 0.001 or 1e-3"),
        new("batch_size", SettingKind.Integer, 64L, true, AtLeast(1), "a whole number of at least 1"),
        // The linear scaling rule (Goyal et al. 2017) as a control: lr is given for this batch size and
        // scaled with each run's. Left out of the identity: the run's own (scaled) lr is in it.
        new("lr_scaled_from_batch", SettingKind.Integer, null, false, AtLeast(1), "a whole number: the batch size the lr is given for; each run trains with lr × batch_size / this (the linear scaling rule)", AddedLater: true),
        new("epochs", SettingKind.Integer, 3L, true, AtLeast(1), "a whole number of at least 1"),
        new("seed", SettingKind.Integer, 0L, true, AtLeast(0), "a whole number of at least 0"),
        new("train_size", SettingKind.Integer, null, true, AtLeast(1), "a whole number of at least 1 (default: the whole training set)"),
        new("test_size", SettingKind.Integer, null, true, AtLeast(1), "a whole number of at least 1 (default: the whole test set)"),
        // Held out of the training set; what chooses (best lr, best cell, best epoch) chooses on it, never on test.
        new("validation_size", SettingKind.Integer, null, true, AtLeast(1), "a whole number of at least 1, the training images held out to choose on (default: none)", AddedLater: true),
        // Steps to a target (Shallue et al. 2019): evaluate every target_every training images, stop when the metric reaches target_value; epochs is the cap.
        Choice("target_metric", "none", Choices.TargetMetrics, addedLater: true),
        new("target_value", SettingKind.Real, null, true, FiniteReal, "a number: the loss to get below, or the accuracy (0 to 1) to reach", AddedLater: true),
        new("target_every", SettingKind.Integer, null, true, AtLeast(1), "a whole number of training images between evaluations, the same for every batch size (default: one epoch)", AddedLater: true),
        new("evaluate_train", SettingKind.Flag, false, true, _ => null, "true or false (evaluate the training images at the end of each epoch, as for test, for a clean generalisation gap)", AddedLater: true),
        new("augment", SettingKind.Flag, false, true, _ => null, "true or false"),
        new("momentum", SettingKind.Real, 0.9, true, Fraction, "a number from 0 up to (not including) 1"),
        new("weight_decay", SettingKind.Real, 0.0, true, NonNegativeReal, "a number of at least 0"),
        new("final_relu", SettingKind.Flag, false, true, _ => null, "true or false"),
        new("nesterov", SettingKind.Flag, false, true, _ => null, "true or false (sgd only)", AddedLater: true),
        Choice("lr_schedule", "constant", Choices.LrSchedules, addedLater: true),
        new("step_size", SettingKind.Integer, 30L, true, AtLeast(1), "a whole number of epochs of at least 1 (lr_schedule: step)", AddedLater: true),
        new("gamma", SettingKind.Real, 0.1, true, PositiveReal, "a number greater than 0, the factor of each step (lr_schedule: step)", AddedLater: true),
        new("warmup_epochs", SettingKind.Integer, 0L, true, AtLeast(0), "a whole number of at least 0 (lr rises linearly over these epochs)", AddedLater: true),
        Choice("vgg_depth", "11", Choices.VggDepths, addedLater: true),
        // The file's path does not decide the run (its SHA-256 does, added to the run's identity by the planner).
        new("model_file", SettingKind.Text, "", false, _ => null, "the path of a TorchScript model (.pt), relative to the sweep file (model: torchscript)", AddedLater: true),
        Choice("init", "file", Choices.Inits, addedLater: true),
        new("vgg_width", SettingKind.Integer, 64L, true, AtLeast(4), "a whole number of at least 4, the channels of the first VGG block", AddedLater: true),
        new("image_size", SettingKind.Integer, null, true, Between(4, 1024), "a whole number from 4 to 1024, the side of the square images are brought to (dataset: imagefolder; default: the first training image's shorter side)", AddedLater: true),
        new("image_channels", SettingKind.Integer, 3L, true, v => (long)v is 1 or 3 ? null : $"{v} is neither 1 nor 3", "1 (grayscale) or 3 (RGB) (dataset: imagefolder)", AddedLater: true),
        new("data_dir", SettingKind.Text, "", false, _ => null, "a folder path, relative to the sweep file (default: built-in places only)"),
        new("download", SettingKind.Flag, false, false, _ => null, "true or false (fetch missing data from the official site, checked by MD5)"),
        new("mirror", SettingKind.Text, "", false, Url, "an http(s) URL of a folder that holds the data set's official files"),
        Choice("device", "auto", Choices.Devices, changesTraining: false),
        new("threads", SettingKind.Integer, 0L, false, AtLeast(0), "a whole number of at least 0 (0: one per CPU core)"),
        new("deterministic", SettingKind.Flag, false, false, _ => null, "true or false"),
        // Part of the identity: raised, a run that diverged before is trained again (its ending would differ).
        new("divergence_factor", SettingKind.Real, 10.0, true, AboveOne, "a number greater than 1 (a run diverges when its training loss exceeds this × ln(classes))", AddedLater: true),
        new("keep_checkpoints", SettingKind.Flag, false, false, _ => null, "true or false"),
        new("save_model", SettingKind.Flag, false, false, _ => null, "true or false"),
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

    private static SettingSpec Choice(string name, string defaultValue, IReadOnlyList<string> names, bool changesTraining = true, bool addedLater = false) =>
        new(name, SettingKind.Text, defaultValue, changesTraining,
            v => names.Contains((string)v) ? null : $"'{v}' is not a known {name}",
            "one of " + string.Join(", ", names), addedLater);

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
