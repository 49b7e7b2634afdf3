using System.Globalization;
using System.Text.Json;

namespace Sweep.Spec;

/// <summary>The complete, validated settings of one run. Immutable.</summary>
internal sealed record RunConfig(
    string Dataset,
    string Model,
    string Optimizer,
    double Lr,
    int BatchSize,
    int Epochs,
    long Seed,
    int? TrainSize,
    int? TestSize,
    bool Augment,
    double Momentum,
    double WeightDecay,
    bool FinalRelu,
    bool Nesterov,
    string LrSchedule,
    int StepSize,
    double Gamma,
    int WarmupEpochs,
    string VggDepth,
    int VggWidth,
    string DataDir,
    bool Download,
    string Mirror,
    string Device,
    int Threads,
    bool Deterministic,
    double DivergenceFactor,
    bool KeepCheckpoints,
    bool SaveModel,
    string ModelFile = "",
    string Init = "file",
    string ModelSha256 = "",
    int? ImageSize = null,
    int ImageChannels = 3,
    int? ValidationSize = null,
    bool EvaluateTrain = false,
    string TargetMetric = "none",
    double? TargetValue = null,
    int? TargetEvery = null,
    int? LrScaledFromBatch = null)
{
    /// <summary>Not a setting: the SHA-256 of <see cref="ModelFile"/>, filled in by the planner and part of the run's identity.</summary>
    public const string ModelHashKey = "model_sha256";

    /// <summary>Builds a run from a full map of setting name to value (defaults filled in).</summary>
    public static RunConfig FromValues(IReadOnlyDictionary<string, object?> v) => new(
        Dataset: (string)v["dataset"]!,
        Model: (string)v["model"]!,
        Optimizer: (string)v["optimizer"]!,
        Lr: (double)v["lr"]!,
        BatchSize: checked((int)(long)v["batch_size"]!),
        Epochs: checked((int)(long)v["epochs"]!),
        Seed: (long)v["seed"]!,
        TrainSize: v["train_size"] is long t ? checked((int)t) : null,
        TestSize: v["test_size"] is long s ? checked((int)s) : null,
        Augment: (bool)v["augment"]!,
        Momentum: (double)v["momentum"]!,
        WeightDecay: (double)v["weight_decay"]!,
        FinalRelu: (bool)v["final_relu"]!,
        Nesterov: (bool)v["nesterov"]!,
        LrSchedule: (string)v["lr_schedule"]!,
        StepSize: checked((int)(long)v["step_size"]!),
        Gamma: (double)v["gamma"]!,
        WarmupEpochs: checked((int)(long)v["warmup_epochs"]!),
        VggDepth: (string)v["vgg_depth"]!,
        VggWidth: checked((int)(long)v["vgg_width"]!),
        DataDir: (string)v["data_dir"]!,
        Download: (bool)v["download"]!,
        Mirror: (string)v["mirror"]!,
        Device: (string)v["device"]!,
        Threads: checked((int)(long)v["threads"]!),
        Deterministic: (bool)v["deterministic"]!,
        DivergenceFactor: (double)v["divergence_factor"]!,
        KeepCheckpoints: (bool)v["keep_checkpoints"]!,
        SaveModel: (bool)v["save_model"]!,
        ModelFile: (string)v["model_file"]!,
        Init: (string)v["init"]!,
        ModelSha256: v.TryGetValue(ModelHashKey, out object? hash) && hash is string h ? h : "",
        ImageSize: v["image_size"] is long size ? checked((int)size) : null,
        ImageChannels: checked((int)(long)v["image_channels"]!),
        ValidationSize: v["validation_size"] is long validation ? checked((int)validation) : null,
        EvaluateTrain: (bool)v["evaluate_train"]!,
        TargetMetric: (string)v["target_metric"]!,
        TargetValue: v["target_value"] as double?,
        TargetEvery: v["target_every"] is long every ? checked((int)every) : null,
        LrScaledFromBatch: v["lr_scaled_from_batch"] is long from ? checked((int)from) : null);

    /// <summary>
    /// Reads back <see cref="ToJson"/> as stored with a run; settings a older Sweep did not store
    /// take their defaults. Null when the text is not such a record.
    /// </summary>
    public static RunConfig? FromJson(string json)
    {
        try
        {
            var stored = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(json) ?? [];
            var values = SettingCatalog.All.ToDictionary(s => s.Name, s => stored.TryGetValue(s.Name, out JsonElement e) ? FromElement(s, e) : s.Default);
            if (stored.TryGetValue(ModelHashKey, out JsonElement hash) && hash.ValueKind == JsonValueKind.String)
            {
                values[ModelHashKey] = hash.GetString();
            }
            return FromValues(values);
        }
        catch (Exception ex) when (ex is JsonException or InvalidCastException or InvalidOperationException or KeyNotFoundException or FormatException or OverflowException)
        {
            return null;
        }
    }

    private static object? FromElement(SettingSpec spec, JsonElement e) => e.ValueKind == JsonValueKind.Null ? null : spec.Kind switch
    {
        SettingKind.Real => e.GetDouble(),
        SettingKind.Integer => e.GetInt64(),
        SettingKind.Flag => e.GetBoolean(),
        _ => e.GetString(),
    };

    /// <summary>Every setting by its sweep-file name, in catalog order.</summary>
    public IReadOnlyList<KeyValuePair<string, object?>> ToValues() =>
    [
        new("dataset", Dataset), new("model", Model), new("optimizer", Optimizer), new("lr", Lr),
        new("batch_size", (long)BatchSize), new("lr_scaled_from_batch", LrScaledFromBatch is { } from ? (long)from : null),
        new("epochs", (long)Epochs), new("seed", Seed),
        new("train_size", TrainSize is { } t ? (long)t : null), new("test_size", TestSize is { } s ? (long)s : null),
        new("validation_size", ValidationSize is { } v ? (long)v : null),
        new("target_metric", TargetMetric), new("target_value", TargetValue), new("target_every", TargetEvery is { } e ? (long)e : null),
        new("evaluate_train", EvaluateTrain),
        new("augment", Augment), new("momentum", Momentum), new("weight_decay", WeightDecay),
        new("final_relu", FinalRelu), new("nesterov", Nesterov), new("lr_schedule", LrSchedule),
        new("step_size", (long)StepSize), new("gamma", Gamma), new("warmup_epochs", (long)WarmupEpochs),
        new("vgg_depth", VggDepth), new("vgg_width", (long)VggWidth),
        new("image_size", ImageSize is { } size ? (long)size : null), new("image_channels", (long)ImageChannels),
        new("data_dir", DataDir), new("download", Download), new("mirror", Mirror), new("device", Device), new("threads", (long)Threads),
        new("deterministic", Deterministic), new("divergence_factor", DivergenceFactor),
        new("keep_checkpoints", KeepCheckpoints), new("save_model", SaveModel),
        new("model_file", ModelFile), new("init", Init),
    ];

    /// <summary>The full configuration as JSON, stored with each run.</summary>
    public string ToJson()
    {
        var values = ToValues().ToDictionary(p => p.Key, p => p.Value);
        if (ModelSha256.Length > 0)
        {
            values[ModelHashKey] = ModelSha256;
        }
        return JsonSerializer.Serialize(values);
    }

    /// <summary>Formats a learning rate the way people write it: 0.001 → "1e-3".</summary>
    public static string FormatLr(double lr)
    {
        string s = lr.ToString("0.###e0", CultureInfo.InvariantCulture);
        return s.Replace("e-0", "e-", StringComparison.Ordinal);
    }
}
