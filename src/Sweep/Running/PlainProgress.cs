using System.Globalization;
using Sweep.Kernel;
using Sweep.Planning;

namespace Sweep.Running;

/// <summary>Progress as plain lines, for logs and pipes: one line per run start, epoch and run end.</summary>
internal sealed class PlainProgress(TextWriter output) : ISweepProgress
{
    public void SweepStarting(SweepPlan plan, int toTrain, int alreadyDone, string databasePath) =>
        output.WriteLine($"sweep '{plan.Name}': {plan.Runs.Count} runs planned, {alreadyDone} already in {databasePath}, {toTrain} to train");

    public void RunStarting(RunTicket run) =>
        output.WriteLine($"{run} (id {run.Run.RunId}): training {run.Run.Config.Epochs} epochs");

    public void RunResumed(RunTicket run, int epoch) =>
        output.WriteLine($"{run}: resuming from the checkpoint of epoch {epoch}");

    public void Warning(string message) => output.WriteLine($"warning: {message}");

    public void Info(string message) => output.WriteLine(message);

    public void Batch(RunTicket run, int epoch, int batch, int batches, double overallFraction, TimeSpan? remaining)
    {
        // Plain output reports epochs, not batches, to keep logs short.
    }

    public void EpochFinished(RunTicket run, EpochMetrics m, TimeSpan? remaining) =>
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{run} epoch {m.Epoch}/{run.Run.Config.Epochs}: train_loss {m.TrainLoss:F4}, {(double.IsNaN(m.ValidationLoss) ? "" : $"val_loss {m.ValidationLoss:F4}, ")}test_loss {m.TestLoss:F4}, test_accuracy {m.TestAccuracy * 100:F1}%, {m.Seconds:F1}s ({m.ImagesPerSecond:F0} img/s), about {RunLabel.Duration(remaining)} left"));

    public void RunFinished(RunTicket run, RunStatus status, string? message) =>
        output.WriteLine($"{run}: {status.Text()}{(message is null ? "" : ": " + message)}");
}
