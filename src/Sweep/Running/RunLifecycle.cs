using Sweep.Data;
using Sweep.Kernel;
using Sweep.Planning;
using Sweep.Spec;
using Sweep.Storage;
using Sweep.Training.Fused;
using Sweep.Training;

namespace Sweep.Running;

/// <summary>
/// How one run ended in this invocation. <see cref="RunStatus.New"/> means it never started (the
/// sweep was stopped first); <paramref name="ByAnotherWorker"/> means another process finished it.
/// </summary>
internal sealed record RunEnd(PlannedRun Run, RunStatus Status, string? Error, bool ByAnotherWorker = false);

/// <summary>One attempt at a work item: the endings of its runs, or null when it must wait (held by <paramref name="Held"/>, or its claim was lost).</summary>
internal sealed record WorkAttempt(IReadOnlyList<RunEnd>? Ends, IReadOnlyList<(PlannedRun Run, RunHolder Holder)> Held);

/// <summary>
/// The life of a run, the same for a run trained alone and for the runs of a fused pack: claimed
/// and marked running, trained with checkpoints while its heartbeat is kept, then exactly one
/// ending — completed, diverged, interrupted (resumable) or failed (the sweep goes on) — recorded
/// and reported. A run another worker holds is not touched.
/// </summary>
internal sealed class RunLifecycle(SweepSession session, ISweepProgress progress, ClaimKeeper claims)
{
    /// <param name="stopAfterEpoch">A successive-halving rung: runs pause there (resumable) instead of training to the end.</param>
    public WorkAttempt Train(WorkItem item, IReadOnlyDictionary<string, RunTicket> tickets, CancellationToken cancel, int? stopAfterEpoch = null)
    {
        RunConfig first = item.Runs[0].Config;
        ClaimResult claim = session.Repository.ClaimRuns(session.SweepId, session.EnvironmentId, item.Runs,
            SweepSession.DeviceName(first), session.ThreadsPerRun(first), session.Lease);
        if (claim.Held.Count > 0)
        {
            return new WorkAttempt(null, claim.Held);
        }
        var ends = new List<RunEnd>();
        foreach (PlannedRun done in claim.FinishedElsewhere)
        {
            progress.Info($"{tickets[done.RunId]}: finished by another worker");
            session.FinishOnClock(done, done.Config.Epochs);
            ends.Add(new RunEnd(done, RunStatus.Completed, null, ByAnotherWorker: true));
        }
        var group = claim.Begun.Select(r => tickets[r.RunId]).ToList();
        if (group.Count == 0)
        {
            DeleteLeftCheckpoints(item); // nothing begun and nothing held: every run was finished elsewhere
            return new WorkAttempt(ends, []);
        }
        using HeldRuns held = claims.Track(group.Select(t => t.Run.RunId), cancel);
        var trained = group.Count == 1 ? TrainAlone(group[0], held, stopAfterEpoch) : TrainPack(group, held);
        if (trained is null)
        {
            return new WorkAttempt(null, []);
        }
        ends.AddRange(trained);
        return new WorkAttempt(ends, []);
    }

    /// <summary>
    /// Deletes the checkpoints of an item whose runs another worker finished. The finisher deleted its own, but a worker
    /// that was paused past its lease may have written one after that (hundreds of MB for seed-cnn);
    /// nothing reads the checkpoint of a finished run, and keep_checkpoints keeps them all.
    /// </summary>
    private void DeleteLeftCheckpoints(WorkItem item)
    {
        if (item.Runs.Any(r => r.Config.KeepCheckpoints))
        {
            return;
        }
        foreach (PlannedRun run in item.Runs)
        {
            session.Checkpoints.Delete(run.RunId);
        }
        if (item.Runs.Count > 1)
        {
            new PackCheckpoints(session.Checkpoints.Folder, item.Runs.Select(r => r.RunId).ToList()).Delete();
        }
    }

    private IReadOnlyList<RunEnd>? TrainAlone(RunTicket ticket, HeldRuns held, int? stopAfterEpoch)
    {
        PlannedRun run = ticket.Run;
        DatasetPair data = session.DataOf(run.Config);
        int threads = session.ThreadsPerRun(run.Config);
        progress.RunStarting(ticket);
        string? modelPath = run.Config.SaveModel ? session.Layout.ModelPath(run.RunId) : null;
        var observer = new EpochRecorder(session, progress, ticket, data.Train.Count);
        return Guard([ticket], "", run.Config, held, () =>
            {
                // Only after the claim: the checkpoint may be deleted here, which must not happen under another worker.
                int resumeEpoch = ResumeReconciler.ResumableEpoch(run, session, progress.Warning);
                session.Repository.RecordTraining(run.RunId, null, run.Config.Seed, data.Info);
                var options = new TrainerOptions(threads, session.Checkpoints.ForRun(run.RunId, resumeEpoch, modelPath), StopAfterEpoch: stopAfterEpoch);
                return [new Trainer().Train(run.Config, data, observer, held.Token, options)];
            },
            keepCheckpoints: run.Config.KeepCheckpoints, deleteCheckpoints: () => session.Checkpoints.Delete(run.RunId));
    }

    /// <summary>
    /// Trains a pack of runs as one fused network. Each run gets its own row, epochs and status as
    /// if it had trained alone, plus the pack it was trained in and the data seed all members shared.
    /// </summary>
    private IReadOnlyList<RunEnd>? TrainPack(IReadOnlyList<RunTicket> tickets, HeldRuns held)
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
        }
        var observers = tickets.Select(t => (ITrainingObserver)new EpochRecorder(session, progress, t, data.Train.Count)).ToList();
        var options = new FusedOptions(threads, dataSeed, checkpoints);
        return Guard(tickets, "fused pack failed: ", configs[0], held, () =>
            {
                foreach (RunTicket ticket in tickets)
                {
                    session.Repository.RecordTraining(ticket.Run.RunId, checkpoints.Pack, dataSeed, data.Info);
                }
                return new FusedTrainer().Train(configs, data, observers, held.Token, options);
            },
            keepCheckpoints: configs.Any(c => c.KeepCheckpoints), deleteCheckpoints: checkpoints.Delete);
    }

    /// <summary>Trains, then gives every run of the group its one ending; null when another worker took a run over.</summary>
    private List<RunEnd>? Guard(IReadOnlyList<RunTicket> tickets, string failurePrefix, RunConfig config, HeldRuns held,
        Func<IReadOnlyList<RunResult>> train, bool keepCheckpoints, Action deleteCheckpoints)
    {
        bool paused = false;
        try
        {
            var results = train();
            paused = results.Any(r => r.Outcome == RunOutcome.Paused);
            var ends = tickets.Select((t, i) => results[i].Outcome switch
            {
                RunOutcome.Diverged => End(t, RunStatus.Diverged, results[i].DivergedAtEpoch, results[i].Message),
                // Paused at a halving rung: resumable from its checkpoint once the rung is decided.
                RunOutcome.Paused => End(t, RunStatus.Interrupted, null, "paused for the successive-halving decision",
                    $"paused after epoch {results[i].Epochs.LastOrDefault()?.Epoch.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(already reached)"} for the halving decision"),
                _ => End(t, RunStatus.Completed, null, results[i].Message),
            }).ToList();
            if (AllOrTakenOver(tickets, ends) is not { } recorded)
            {
                return null;
            }
            if (!keepCheckpoints && !paused)
            {
                deleteCheckpoints();
            }
            return recorded;
        }
        catch (Exception ex) when (held.Lost || ex is ClaimLostException)
        {
            return TakenOver(tickets);
        }
        catch (Exception ex) when (DiskFullException.PathOf(ex, session.Layout.DatabasePath) is { } path)
        {
            // Not the run's fault and every later write would fail too: leave the run resumable and stop the sweep.
            foreach (RunTicket t in tickets)
            {
                try
                {
                    End(t, RunStatus.Interrupted, null, $"stopped: the disk is full ({path})", shown: null);
                }
                catch (Exception again) when (DiskFullException.PathOf(again, session.Layout.DatabasePath) is not null)
                {
                    // The database cannot take even that; the run stays 'running' and is taken over on the next start.
                }
            }
            throw new DiskFullException(path, ex);
        }
        catch (StoreUnavailableException)
        {
            // The database server is gone: nothing more can be written, this worker's claim lapses and
            // the run is resumed from its last stored epoch (and checkpoint) when the sweep runs again.
            throw;
        }
        catch (OperationCanceledException)
        {
            return AllOrTakenOver(tickets, tickets.Select(t => End(t, RunStatus.Interrupted, null,
                "stopped by the user; run the sweep again to continue from the last checkpoint", shown: null)).ToList());
        }
        catch (Exception ex) when (ex is not SweepInputException)
        {
            string message = failurePrefix + FailureMessage.For(ex, config, session.Parallel);
            // Checked by recording the failure: a worker that wakes after its lease fails on whatever
            // the new holder changed under it (a checkpoint file), and that is a takeover, not a failure.
            return AllOrTakenOver(tickets, tickets.Select(t => End(t, RunStatus.Failed, null, message)).ToList());
        }
        finally
        {
            // A run paused at a halving rung stays on the clock where it stopped; the rung's decision ends or continues it.
            foreach (RunTicket t in tickets.Where(_ => !paused))
            {
                session.FinishOnClock(t.Run, t.Run.Config.Epochs);
            }
        }
    }

    /// <summary>The endings when every one was recorded; otherwise this worker lost a run to another and steps back.</summary>
    private List<RunEnd>? AllOrTakenOver(IReadOnlyList<RunTicket> tickets, List<RunEnd?> ends) =>
        ends.Any(e => e is null) ? TakenOver(tickets) : ends.Select(e => e!).ToList();

    /// <summary>
    /// This worker was silent past the lease and another took over: it stops writing, releases what
    /// it still holds (a pack's other members) and looks at the item again later. Always null.
    /// </summary>
    private List<RunEnd>? TakenOver(IReadOnlyList<RunTicket> tickets)
    {
        progress.Warning($"{string.Join(", ", tickets.Select(t => t.ToString()))}: another worker took over after this worker's heartbeat lapsed; leaving the run to it");
        foreach (RunTicket t in tickets)
        {
            End(t, RunStatus.Interrupted, null, "paused: another worker took over a run of its pack", shown: null);
        }
        return null;
    }

    private RunEnd? End(RunTicket ticket, RunStatus status, long? divergedAt, string? message) => End(ticket, status, divergedAt, message, message);

    /// <summary>Records a run's ending; null when this worker no longer holds the run (nothing is written).</summary>
    private RunEnd? End(RunTicket ticket, RunStatus status, long? divergedAt, string? message, string? shown)
    {
        try
        {
            session.Repository.FinishRun(ticket.Run.RunId, status, divergedAt, message);
        }
        catch (ClaimLostException)
        {
            return null;
        }
        progress.RunFinished(ticket, status, shown);
        return new RunEnd(ticket.Run, status, status == RunStatus.Failed ? message : null);
    }
}
