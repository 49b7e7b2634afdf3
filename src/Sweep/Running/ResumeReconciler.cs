using Sweep.Planning;

namespace Sweep.Running;

/// <summary>Decides where an unfinished run continues, from its checkpoint and the epochs the database holds.</summary>
internal static class ResumeReconciler
{
    /// <summary>
    /// The checkpointed epoch a run can continue after, or 0. A checkpoint it must not resume from
    /// — unreadable, of another run, or ahead of the epochs the database holds (then the epochs are
    /// the truth and the run starts over) — is deleted with a warning.
    /// </summary>
    public static int ResumableEpoch(PlannedRun run, SweepSession session, Action<string> warn)
    {
        CheckpointStore checkpoints = session.Checkpoints;
        string path = checkpoints.PathFor(run.RunId);
        if (!File.Exists(path))
        {
            return 0;
        }
        int epoch = checkpoints.LatestEpoch(run.RunId, run.Config.Epochs, warn);
        var stored = session.Repository.EpochNumbers(run.RunId);
        if (epoch > 0 && Enumerable.Range(1, epoch).Any(e => !stored.Contains(e)))
        {
            warn($"checkpoint {path} is at epoch {epoch} but the database lacks some of its epochs; starting run {run.RunId} over");
            epoch = 0;
        }
        if (epoch == 0)
        {
            checkpoints.Delete(run.RunId);
        }
        return epoch;
    }
}
