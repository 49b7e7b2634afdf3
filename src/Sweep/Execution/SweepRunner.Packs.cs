using Sweep.Configuration;
using Sweep.Data;
using Sweep.Fusion;
using Sweep.Training;

namespace Sweep.Execution;

internal sealed partial class SweepRunner
{
    /// <summary>
    /// Trains a pack of runs as one fused network. Each run gets its own row, epochs and status as
    /// if it had trained alone, plus the pack it was trained in and the data seed all members shared.
    /// </summary>
    private List<RunEnd> TrainPack(IReadOnlyList<RunTicket> tickets, SweepContext context, CancellationToken cancel)
    {
        var runs = tickets.Select(t => t.Run).ToList();
        var configs = runs.Select(r => r.Config).ToList();
        DatasetPair data = context.Datasets[DataKey(configs[0])];
        var checkpoints = new PackCheckpoints(context.Checkpoints.Folder, runs.Select(r => r.RunId).ToList());
        string pack = Path.GetFileNameWithoutExtension(checkpoints.Path)["pack-".Length..];
        long dataSeed = configs[0].Seed;
        int threads = ThreadsPerRun(configs[0]);
        _progress.Info($"training {runs.Count} runs as one fused pack {pack} ({string.Join(", ", tickets.Select(t => t.Label))}); they share the batches of seed {dataSeed}");
        foreach (RunTicket ticket in tickets)
        {
            _progress.RunStarting(ticket);
            context.Repository.BeginRun(context.SweepId, context.EnvironmentId, ticket.Run, DeviceName(ticket.Run.Config), threads);
            context.Repository.RecordTraining(ticket.Run.RunId, pack, dataSeed);
        }
        var observers = tickets.Select(t => (ITrainingObserver)new RunObserver(context, _progress, t, data.Train.Count)).ToList();
        try
        {
            var results = new FusedTrainer().Train(configs, data, observers, cancel, new FusedOptions(threads, dataSeed, checkpoints));
            var ends = new List<RunEnd>();
            for (int i = 0; i < runs.Count; i++)
            {
                string status = results[i].Outcome == RunOutcome.Diverged ? "diverged" : "completed";
                context.Repository.FinishRun(runs[i].RunId, status, results[i].DivergedAtEpoch, results[i].Message);
                _progress.RunFinished(tickets[i], status, results[i].Message);
                ends.Add(new RunEnd(runs[i], status, null));
            }
            if (!configs.Any(c => c.KeepCheckpoints))
            {
                checkpoints.Delete();
            }
            return ends;
        }
        catch (OperationCanceledException)
        {
            return tickets.Select(t =>
            {
                context.Repository.FinishRun(t.Run.RunId, "interrupted", null, "stopped by the user; run the sweep again to continue from the pack's last checkpoint");
                _progress.RunFinished(t, "interrupted", null);
                return new RunEnd(t.Run, "interrupted", null);
            }).ToList();
        }
        catch (Exception ex) when (ex is not SweepInputException)
        {
            string message = "fused pack failed: " + FailureMessage.For(ex, configs[0], parallel);
            return tickets.Select(t =>
            {
                context.Repository.FinishRun(t.Run.RunId, "failed", null, message);
                _progress.RunFinished(t, "failed", message);
                return new RunEnd(t.Run, "failed", message);
            }).ToList();
        }
        finally
        {
            foreach (PlannedRun run in runs)
            {
                context.Clock.Finish(run.RunId, (long)run.Config.Epochs * data.Train.Count);
            }
        }
    }
}
