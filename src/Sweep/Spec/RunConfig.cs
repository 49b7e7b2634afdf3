using System.Globalization;
using System.Text.Json;

namespace Sweep.Spec;

/// <summary>
/// The complete, validated settings of one run. Immutable. Each property is filled from its entry
/// in <see cref="SettingCatalog"/>, which is also the only place that says how it is read, stored
/// and whether it is part of the run's id; a new setting is a property here and an entry there.
/// </summary>
internal sealed record RunConfig
{
    public string Dataset { get; init; } = "";
    public string Model { get; init; } = "";
    public string Optimizer { get; init; } = "";
    public double Lr { get; init; }
    public int BatchSize { get; init; }
    public int? LrScaledFromBatch { get; init; }
    public int Epochs { get; init; }
    public long Seed { get; init; }
    public int? TrainSize { get; init; }
    public int? TestSize { get; init; }
    public int? ValidationSize { get; init; }
    public string TargetMetric { get; init; } = "";
    public double? TargetValue { get; init; }
    public int? TargetEvery { get; init; }
    public bool EvaluateTrain { get; init; }
    public bool Augment { get; init; }
    public double Momentum { get; init; }
    public double WeightDecay { get; init; }
    public bool FinalRelu { get; init; }
    public bool Nesterov { get; init; }
    public string LrSchedule { get; init; } = "";
    public int StepSize { get; init; }
    public double Gamma { get; init; }
    public int WarmupEpochs { get; init; }
    public string VggDepth { get; init; } = "";
    public int VggWidth { get; init; }
    public int? ImageSize { get; init; }
    public int ImageChannels { get; init; }
    public string DataDir { get; init; } = "";
    public bool Download { get; init; }
    public string Mirror { get; init; } = "";
    public string Device { get; init; } = "";
    public int Threads { get; init; }
    public bool Deterministic { get; init; }
    public double DivergenceFactor { get; init; }
    public bool KeepCheckpoints { get; init; }
    public bool SaveModel { get; init; }
    public string ModelFile { get; init; } = "";
    public string Init { get; init; } = "";

    /// <summary>Not a setting: the SHA-256 of <see cref="ModelFile"/>, filled in by the planner and part of the run's identity.</summary>
    public string ModelSha256 { get; init; } = "";

    /// <summary>The key <see cref="ModelSha256"/> is stored under.</summary>
    public const string ModelHashKey = "model_sha256";

    /// <summary>The model this run trains.</summary>
    public ModelKind ModelKind => ModelCatalog.Named(Model);

    /// <summary>The optimizer this run trains with.</summary>
    public OptimizerKind OptimizerKind => OptimizerCatalog.Named(Optimizer);

    private RunConfig()
    {
    }

    /// <summary>Builds a run from a full map of setting name to value (defaults filled in).</summary>
    public static RunConfig FromValues(IReadOnlyDictionary<string, object?> values)
    {
        var config = new RunConfig { ModelSha256 = values.TryGetValue(ModelHashKey, out object? hash) && hash is string h ? h : "" };
        foreach (SettingSpec setting in SettingCatalog.All)
        {
            config = setting.Write(config, values[setting.Name]);
        }
        return config;
    }

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
        SettingCatalog.All.Select(s => new KeyValuePair<string, object?>(s.Name, s.Read(this))).ToList();

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
