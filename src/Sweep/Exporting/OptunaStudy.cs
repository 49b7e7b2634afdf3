using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.Json;
using Sweep.Kernel;
using Sweep.Planning;
using Sweep.Spec;
using Sweep.Storage;

namespace Sweep.Exporting;

/// <summary>One trial as Optuna stores it.</summary>
internal sealed record OptunaTrial(
    int Number,
    string State,
    string? Start,
    string? Complete,
    double? Value,
    IReadOnlyList<(long Step, double Value)> Intermediate,
    IReadOnlyList<(string Name, double Value, string Distribution)> Params,
    IReadOnlyList<(string Key, string Json)> UserAttributes);

/// <summary>
/// A sweep as an Optuna study, computed without touching any file: one trial per run, numbered in
/// plan order; COMPLETE for completed runs, PRUNED for runs successive halving stopped (valued, as
/// Optuna values them, by their last intermediate value), FAIL for failed, diverged and interrupted
/// ones, RUNNING for running ones; the final metric as the value and
/// each epoch's as an intermediate value; the settings that vary as parameters with fitting
/// distributions; run id, seed, status and environment as user attributes.
/// </summary>
internal sealed record OptunaStudy(string Name, string Direction, string Metric, IReadOnlyList<OptunaTrial> Trials)
{
    public static IReadOnlyList<string> Metrics { get; } = Kernel.Metric.Names;

    public static OptunaStudy Of(string sweepName, string metric, IReadOnlyList<RunRecord> runs, IReadOnlyList<EpochRow> epochs)
    {
        var settings = runs.Select(r => RunConfig.FromJson(r.ConfigJson)?.ToValues().ToDictionary(p => p.Key, p => p.Value) ?? []).ToList();
        var varying = SettingCatalog.All
            .Where(s => s.Name != "seed" && settings.Select(v => RunIdentity.Format(v.GetValueOrDefault(s.Name))).Distinct().Count() > 1)
            .ToList();
        var distributions = varying.ToDictionary(s => s.Name, s => Distribution(s, settings.Select(v => v.GetValueOrDefault(s.Name)).ToList()));
        var byRun = epochs.ToLookup(e => e.RunId);
        var trials = runs.Select((run, i) =>
        {
            double? value = Final(run, metric);
            string state = RunStatusText.Parse(run.Status) switch
            {
                RunStatus.Completed when value is { } v && !double.IsNaN(v) => "COMPLETE",
                RunStatus.Running => "RUNNING",
                RunStatus.Pruned => "PRUNED",
                _ => "FAIL",
            };
            var parameters = varying.Select(s => (s.Name, distributions[s.Name].Internal(settings[i].GetValueOrDefault(s.Name)), distributions[s.Name].Json)).ToList();
            var intermediate = byRun[run.RunId].Select(e => (e.Epoch, PerEpoch(e, metric))).Where(p => p.Item2 is not null)
                .Select(p => (p.Epoch, p.Item2!.Value)).ToList();
            // Optuna gives a pruned trial its last intermediate value when that is a number (study/_tell.py).
            double? trialValue = state switch
            {
                "COMPLETE" => value,
                "PRUNED" when intermediate.Count > 0 && double.IsFinite(intermediate[^1].Value) => intermediate[^1].Value,
                _ => null,
            };
            return new OptunaTrial((int)run.Position, state, Time(run.StartedAt), state == "RUNNING" ? null : Time(run.FinishedAt ?? run.StartedAt),
                trialValue, intermediate, parameters, Attributes(run));
        }).ToList();
        return new OptunaStudy(sweepName, Kernel.Metric.Named(metric).LowerIsBetter ? "MINIMIZE" : "MAXIMIZE", metric, trials);
    }

    private static double? Final(RunRecord run, string metric) => run.Final(Kernel.Metric.Named(metric));

    private static double? PerEpoch(EpochRow e, string metric) => e.Value(Kernel.Metric.Named(metric));

    private static IReadOnlyList<(string, string)> Attributes(RunRecord run) =>
    [
        ("run_id", JsonSerializer.Serialize(run.RunId)),
        ("seed", JsonSerializer.Serialize(run.Seed)),
        ("status", JsonSerializer.Serialize(run.Status)),
        ("environment", JsonSerializer.Serialize(string.Join("; ", new[] { run.Host, run.CpuModel, run.GpuName, run.UsedDevice, run.TorchVersion is { } t ? "torch " + t : null }.Where(s => !string.IsNullOrEmpty(s))))),
    ];

    /// <summary>Our UTC ISO time "2026-11-30T14:36:44.354Z" as SQLAlchemy stores a DateTime: "2026-11-30 14:36:44.354000".</summary>
    private static string? Time(string? iso) =>
        DateTime.TryParse(iso, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out DateTime t)
            ? t.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture) : null;


    /// <summary>A log-scaled float for lr, a float or int range for other numbers, categorical for text, flags and mixed values.</summary>
    private static ParamDistribution Distribution(SettingSpec spec, IReadOnlyList<object?> values)
    {
        if (spec.Kind == SettingKind.Real && values.All(v => v is double))
        {
            var numbers = values.Cast<double>().ToList();
            bool log = spec.Name == "lr" && numbers.All(n => n > 0);
            var json = new JsonObject { ["step"] = null, ["low"] = numbers.Min(), ["high"] = numbers.Max(), ["log"] = log };
            return new ParamDistribution(Json("FloatDistribution", json), v => (double)v!);
        }
        if (spec.Kind == SettingKind.Integer && values.All(v => v is long))
        {
            var numbers = values.Cast<long>().ToList();
            var json = new JsonObject { ["log"] = false, ["step"] = 1, ["low"] = numbers.Min(), ["high"] = numbers.Max() };
            return new ParamDistribution(Json("IntDistribution", json), v => (long)v!);
        }
        var choices = values.DistinctBy(RunIdentity.Format).OrderBy(RunIdentity.Format, StringComparer.Ordinal).ToList();
        var array = new JsonArray(choices.Select(c => c switch
        {
            null => null,
            bool b => JsonValue.Create(b),
            long l => JsonValue.Create(l),
            double d => JsonValue.Create(d),
            _ => (JsonNode?)JsonValue.Create(Convert.ToString(c, CultureInfo.InvariantCulture)),
        }).ToArray());
        return new ParamDistribution(Json("CategoricalDistribution", new JsonObject { ["choices"] = array }),
            v => choices.FindIndex(c => RunIdentity.Format(c) == RunIdentity.Format(v)));
    }

    private static string Json(string name, JsonObject attributes) =>
        new JsonObject { ["name"] = name, ["attributes"] = attributes }.ToJsonString();

    /// <summary>A distribution's JSON and how a value is stored under it (the index of a categorical choice).</summary>
    private sealed record ParamDistribution(string Json, Func<object?, double> Internal);
}
