using Sweep.Kernel;
using Sweep.Storage;

namespace Sweep.Reporting;

/// <summary>Mean and sample standard deviation of a set of values (0 for a single value).</summary>
internal readonly record struct Spread(double Mean, double Std, int Count)
{
    public static Spread? Of(IEnumerable<double> values)
    {
        var list = values.Where(double.IsFinite).ToList();
        if (list.Count == 0)
        {
            return null;
        }
        double mean = list.Average();
        double std = list.Count > 1 ? Math.Sqrt(list.Sum(v => (v - mean) * (v - mean)) / (list.Count - 1)) : 0;
        return new Spread(mean, std, list.Count);
    }
}

/// <summary>
/// One (learning rate, batch size) cell of the grid: its runs (one per seed) and the spread of
/// their final metrics over the seeds that completed.
/// </summary>
internal sealed record GridCell(double Lr, long BatchSize, IReadOnlyList<RunRow> Runs)
{
    private IEnumerable<RunRow> Completed => Runs.Where(r => r.Status == RunStatus.Completed);

    public Spread? TestLoss => Spread.Of(Completed.Select(r => r.FinalTestLoss ?? double.NaN));

    public Spread? TestAccuracy => Spread.Of(Completed.Select(r => r.FinalTestAccuracy ?? double.NaN));

    public Spread? TestAuc => Spread.Of(Completed.Select(r => r.FinalTestAuc ?? double.NaN));

    /// <summary>Test loss minus training loss at the last epoch: how much worse unseen data is.</summary>
    public Spread? GeneralisationGap => Spread.Of(Completed.Select(r => (r.FinalTestLoss ?? double.NaN) - (r.FinalTrainLoss ?? double.NaN)));

    /// <summary>"diverged", "failed", "stopped at epoch 3" (successive halving), … when no seed completed; null when one did.</summary>
    public string? Problem => Completed.Any() ? null
        : Runs.All(r => r.Status == RunStatus.Pruned) ? $"stopped at\nepoch {Runs.Max(r => r.PrunedAtEpoch)}"
        : Runs.Select(r => r.Status).OrderBy(s => s switch { RunStatus.Diverged => 0, RunStatus.Failed => 1, _ => 2 }).First().Text();

    /// <summary>Stopped by successive halving: its numbers are censored at the rung, not final.</summary>
    public bool Censored => !Completed.Any() && Runs.Any(r => r.Status == RunStatus.Pruned);
}
