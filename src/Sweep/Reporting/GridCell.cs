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

    /// <summary>True when its runs held out a validation set (validation_size): choices are then made on it.</summary>
    public bool HasValidation => Completed.Any(r => r.BestEpoch is not null);

    /// <summary>Validation loss at each run's best epoch (its lowest validation loss).</summary>
    public Spread? ValidationLoss => Spread.Of(Completed.Select(r => r.BestValLoss ?? double.NaN));

    /// <summary>Test loss at the epoch validation chose (reported, never chosen on).</summary>
    public Spread? BestEpochTestLoss => Spread.Of(Completed.Select(r => r.BestTestLoss ?? double.NaN));

    public Spread? BestEpochTestAccuracy => Spread.Of(Completed.Select(r => r.BestTestAccuracy ?? double.NaN));

    /// <summary>The loss choices are made on: validation at the best epoch when there is one, otherwise the final test loss.</summary>
    public Spread? ChoiceLoss => HasValidation ? ValidationLoss : TestLoss;

    /// <summary>The test loss reported for the cell: at the epoch validation chose when there is one, otherwise the last.</summary>
    public Spread? ReportedTestLoss => HasValidation ? BestEpochTestLoss : TestLoss;

    /// <summary>Some seed's best validation epoch is its last: still improving when it stopped, so its numbers are not converged.</summary>
    public bool NotConverged => Completed.Any(r => r.BestEpoch is { } best && best >= r.Epochs);

    /// <summary>
    /// Test loss minus training loss at the last epoch: how much worse unseen data is. The training loss
    /// is the evaluated one (evaluate_train: the same model, eval mode, as for test) where the run has it,
    /// otherwise the running mean over the last epoch, which mixes the model's states during the epoch.
    /// </summary>
    public Spread? GeneralisationGap => Spread.Of(Completed.Select(r => (r.FinalTestLoss ?? double.NaN) - (r.FinalTrainEvalLoss ?? r.FinalTrainLoss ?? double.NaN)));

    /// <summary>"diverged", "failed", "stopped at epoch 3" (successive halving), … when no seed completed; null when one did.</summary>
    public string? Problem => Completed.Any() ? null
        : Runs.All(r => r.Status == RunStatus.Pruned) ? $"stopped at\nepoch {Runs.Max(r => r.PrunedAtEpoch)}"
        : Runs.Select(r => r.Status).OrderBy(s => s switch { RunStatus.Diverged => 0, RunStatus.Failed => 1, _ => 2 }).First().Text();

    /// <summary>Stopped by successive halving: its numbers are censored at the rung, not final.</summary>
    public bool Censored => !Completed.Any() && Runs.Any(r => r.Status == RunStatus.Pruned);
}
