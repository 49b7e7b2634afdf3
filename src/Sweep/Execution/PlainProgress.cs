using System.Globalization;
using Sweep.Configuration;
using Sweep.Training;

namespace Sweep.Execution;

/// <summary>Progress as plain lines, for logs and pipes: one line per run start, epoch and run end.</summary>
internal sealed class PlainProgress(TextWriter output) : ISweepProgress
{
    private int _index;
    private int _count;
    private string _label = "";

    public void SweepStarting(SweepPlan plan, int toTrain, int alreadyDone, string databasePath) =>
        output.WriteLine($"sweep '{plan.Name}': {plan.Runs.Count} runs planned, {alreadyDone} already in {databasePath}, {toTrain} to train");

    public void RunStarting(int index, int count, PlannedRun run, IReadOnlyList<string> varying)
    {
        (_index, _count, _label) = (index, count, RunLabel.Of(run, varying));
        output.WriteLine($"[run {index}/{count}] {_label} (id {run.RunId}): training {run.Config.Epochs} epochs");
    }

    public void Batch(int epoch, int epochs, int batch, int batches, double overallFraction, TimeSpan? remaining)
    {
        // Plain output reports epochs, not batches, to keep logs short.
    }

    public void EpochFinished(PlannedRun run, EpochMetrics m, TimeSpan? remaining) =>
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"[run {_index}/{_count}] {_label} epoch {m.Epoch}/{run.Config.Epochs}: train_loss {m.TrainLoss:F4}, test_loss {m.TestLoss:F4}, test_accuracy {m.TestAccuracy * 100:F1}%, {m.Seconds:F1}s ({m.ImagesPerSecond:F0} img/s), about {RunLabel.Duration(remaining)} left"));

    public void RunFinished(PlannedRun run, string status, string? message) =>
        output.WriteLine($"[run {_index}/{_count}] {_label}: {status}{(message is null ? "" : ": " + message)}");
}
