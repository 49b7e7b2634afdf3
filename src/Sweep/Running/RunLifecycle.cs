using Sweep.Data;
using Sweep.Kernel;
using Sweep.Planning;
using Sweep.Spec;
using Sweep.Training.Fused;
using Sweep.Training;

namespace Sweep.Running;

/// <summary>How one run ended in this invocation; <see cref="RunStatus.New"/> means it never started (the sweep was stopped first).</summary>
internal sealed record RunEnd(PlannedRun Run, RunStatus Status, string? Error);

/// <summary>
/// The life of a run, the same for a run trained alone and for the runs of a fused pack: its row
/// marked running, training with checkpoints, then exactly one ending — completed, diverged,
/// interrupted (resumable) or failed (the sweep goes on) — recorded and reported.
/// </summary>
internal sealed class RunLifecycle(SweepSession session, ISweepProgress progress)
{
    public RunEnd TrainAlone(RunTicket ticket, CancellationToken cancel)
    {
        PlannedRun run = ticket.Run;
        DatasetPair data = session.DataOf(run.Config);
        int threads = session.ThreadsPerRun(run.Config);
        progress.RunStarting(ticket);
        int resumeEpoch = ResumeReconciler.ResumableEpoch(run, session, progress.Warning);
        Begin(ticket, threads, fusedPack: null, dataSeed: run.Config.Seed);
        string? modelPath = run.Config.SaveModel ? session.Layout.ModelPath(run.RunId) : null;
        var options = new TrainerOptions(threads, session.Checkpoints.ForRun(run.RunId, resumeEpoch, modelPath));
        var observer = new EpochRecorder(session, progress, ticket, data.Train.Count);
        return Guard([ticket], "", run.Config, () => [new Trainer().Train(run.Config, data, observer, cancel, options)],
            keepCheckpoints: run.Config.KeepCheckpoints, deleteCheckpoints: () => session.Checkpoints.Delete(run.RunId))[0];
    }

    /// <summary>
    /// Trains a pack of runs as one fused network. Each run gets its own row, epochs and status as
    /// if it had trained alone, plus the pack it was trained in and the data seed all members shared.
    /// </summary>
    public IReadOnlyList<RunEnd> TrainPack(IReadOnlyList<RunTicket> tickets, CancellationToken cancel)
    {
        var configs = tickets.Select(t => t.Run.Config).ToList();
        DatasetPair data = session.DataOf(configs[0]);
        var checkpoints = new PackCheckpoints(session.Checkpoints.Folder, tickets.Select(t => t.Run.RunId).ToList());
        long dataSeed = configs[0].Seed;
        int threads = session.ThreadsPerRun(configs[0]);
        progress.Info($"training {tickets.Count} runs as one fused pack {checkpoints.Pack} ({string.Join(", ", tickets.Select(t => t.Label))}); they share the batches of seed {dataSeed}");
        foreach (RunTicket ticket in tickets)
        {
            progress.RunStarting(ticket);
            Begin(ticket, threads, checkpoints.Pack, dataSeed);
        }
        var observers = tickets.Select(t => (ITrainingObserver)new EpochRecorder(session, progress, t, data.Train.Count)).ToList();
        var options = new FusedOptions(threads, dataSeed, checkpoints);
        return Guard(tickets, "fused pack failed: ", configs[0], () => new FusedTrainer().Train(configs, data, observers, cancel, options),
            keepCheckpoints: configs.Any(c => c.KeepCheckpoints), deleteCheckpoints: checkpoints.Delete);
    }

    private void Begin(RunTicket ticket, int threads, string? fusedPack, long dataSeed)
    {
        session.Repository.BeginRun(session.SweepId, session.EnvironmentId, ticket.Run, SweepSession.DeviceName(ticket.Run.Config), threads);
        session.Repository.RecordTraining(ticket.Run.RunId, fusedPack, dataSeed);
    }

    /// <summary>Trains, then gives every run of the group its one ending.</summary>
    private List<RunEnd> Guard(IReadOnlyList<RunTicket> tickets, string failurePrefix, RunConfig config, Func<IReadOnlyList<RunResult>> train,
        bool keepCheckpoints, Action deleteCheckpoints)
    {
        try
        {
            var results = train();
            var ends = tickets.Select((t, i) => End(t, results[i].Outcome == RunOutcome.Diverged ? RunStatus.Diverged : RunStatus.Completed,
                results[i].DivergedAtEpoch, results[i].Message)).ToList();
            if (!keepCheckpoints)
            {
                deleteCheckpoints();
            }
            return ends;
        }
        catch (OperationCanceledException)
        {
            return tickets.Select(t => End(t, RunStatus.Interrupted, null,
                "stopped by the user; run the sweep again to continue from the last checkpoint", shown: null)).ToList();
        }
        catch (Exception ex) when (ex is not SweepInputException)
        {
            string message = failurePrefix + FailureMessage.For(ex, config, session.Parallel);
            return tickets.Select(t => End(t, RunStatus.Failed, null, message)).ToList();
        }
        finally
        {
            foreach (RunTicket t in tickets)
            {
                session.Clock.Finish(t.Run.RunId, (long)t.Run.Config.Epochs * session.DataOf(t.Run.Config).Train.Count);
            }
        }
    }

    private RunEnd End(RunTicket ticket, RunStatus status, long? divergedAt, string? message) => End(ticket, status, divergedAt, message, message);

    private RunEnd End(RunTicket ticket, RunStatus status, long? divergedAt, string? message, string? shown)
    {
        session.Repository.FinishRun(ticket.Run.RunId, status, divergedAt, message);
        progress.RunFinished(ticket, status, shown);
        return new RunEnd(ticket.Run, status, status == RunStatus.Failed ? message : null);
    }
}
