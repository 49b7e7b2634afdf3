using Sweep.Kernel;

namespace Sweep.Storage;

// Row types as SQLite returns them: INTEGER → long, REAL → double.

/// <summary>A row of the runs table as the report reads it.</summary>
internal sealed record RunRow
{
    public string RunId { get; init; } = "";
    public RunStatus Status { get; init; }

    /// <summary>The status as stored (Dapper fills this from the <c>status</c> column).</summary>
    public string StatusText
    {
        get => Status.Text();
        init => Status = RunStatusText.Parse(value);
    }
    public string Dataset { get; init; } = "";
    public string Model { get; init; } = "";
    public string Optimizer { get; init; } = "";
    public double Lr { get; init; }
    public long BatchSize { get; init; }
    public long Epochs { get; init; }
    public long Seed { get; init; }
    public double? FinalTrainLoss { get; init; }
    public double? FinalTestLoss { get; init; }
    public double? FinalTestAccuracy { get; init; }
    public double? FinalTestAuc { get; init; }
    public long? DivergedAtEpoch { get; init; }

    /// <summary>The epoch successive halving stopped the run after (status pruned); null otherwise.</summary>
    public long? PrunedAtEpoch { get; init; }

    /// <summary>The epoch of the lowest validation loss (validation_size), and the numbers there; null without validation.</summary>
    public long? BestEpoch { get; init; }
    public double? BestValLoss { get; init; }
    public double? BestTestLoss { get; init; }
    public double? BestTestAccuracy { get; init; }
    public double? BestTestAuc { get; init; }

    /// <summary>Optimizer steps and training images to the run's target; null without one or when it was never reached.</summary>
    public long? TargetSteps { get; init; }

    /// <summary>The training images' loss evaluated after the last epoch (evaluate_train); null otherwise.</summary>
    public double? FinalTrainEvalLoss { get; init; }
    public long? TargetExamples { get; init; }
    public string? Error { get; init; }
    public string? FusedPack { get; init; }

    /// <summary>Every setting of the run as JSON (<c>runs.config_json</c>); empty for rows made by hand.</summary>
    public string ConfigJson { get; init; } = "";
}

/// <summary>A row of the epochs table.</summary>
internal sealed record EpochRow
{
    public string RunId { get; init; } = "";
    public long Epoch { get; init; }
    public double? TrainLoss { get; init; }
    public double? LastBatchLoss { get; init; }
    public double? TestLoss { get; init; }
    public double TestAccuracy { get; init; }
    public double? TestAuc { get; init; }
    public double LearningRate { get; init; }
    public double Seconds { get; init; }
    public double ImagesPerSecond { get; init; }
    public double? ValLoss { get; init; }
    public double? ValAccuracy { get; init; }
    public double? TrainEvalLoss { get; init; }
    public double? TrainEvalAccuracy { get; init; }
}

/// <summary>Where and with what an invocation ran.</summary>
internal sealed record EnvironmentRow
{
    public string Host { get; init; } = "";
    public string Os { get; init; } = "";
    public string? CpuModel { get; init; }
    public string? GpuName { get; init; }
    public string Device { get; init; } = "";
    public long ThreadCount { get; init; }
    public string TorchVersion { get; init; } = "";
    public string TorchsharpVersion { get; init; } = "";
    public string DotnetVersion { get; init; } = "";
    public string? GitCommit { get; init; }
}

/// <summary>
/// A declared metric's value in each row type: the one place that maps a metric to a row's
/// properties. Every metric of <see cref="Metric.Ranking"/> has an entry (a test checks), so a new
/// metric cannot fall back silently to another's value.
/// </summary>
internal static class MetricValues
{
    /// <summary>A metric's value in a run (its final or best), in an exported run, and in an epoch; null where a row does not hold it.</summary>
    internal sealed record Accessors(Func<RunRow, double?> Run, Func<RunRecord, double?> Record, Func<EpochRow, double?> Epoch);

    internal static readonly IReadOnlyDictionary<Metric, Accessors> ByMetric = new Dictionary<Metric, Accessors>
    {
        [Metric.TestLoss] = new(r => r.FinalTestLoss, r => r.FinalTestLoss, e => e.TestLoss),
        [Metric.TestAccuracy] = new(r => r.FinalTestAccuracy, r => r.FinalTestAccuracy, e => e.TestAccuracy),
        [Metric.TestAuc] = new(r => r.FinalTestAuc, r => r.FinalTestAuc, e => e.TestAuc),
        [Metric.ValLoss] = new(r => r.BestValLoss, _ => null, e => e.ValLoss),
        [Metric.ValAccuracy] = new(_ => null, _ => null, e => e.ValAccuracy),
    };

    public static double? Final(this RunRow run, Metric metric) => ByMetric[metric].Run(run);

    public static double? Final(this RunRecord run, Metric metric) => ByMetric[metric].Record(run);

    public static double? Value(this EpochRow epoch, Metric metric) => ByMetric[metric].Epoch(epoch);
}
