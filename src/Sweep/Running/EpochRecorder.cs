using Sweep.Kernel;
using Sweep.Training;

namespace Sweep.Running;

/// <summary>
/// Observes one run's training: commits each epoch's row as it ends, trims epochs a crash left
/// beyond the checkpoint, and feeds the progress display and the time-left clock.
/// </summary>
internal sealed class EpochRecorder(SweepSession session, ISweepProgress progress, RunTicket ticket, int trainCount) : ITrainingObserver
{
    public void OnStart(int resumedFromEpoch)
    {
        session.Repository.KeepEpochsUpTo(ticket.Run.RunId, resumedFromEpoch);
        if (resumedFromEpoch > 0)
        {
            progress.RunResumed(ticket, resumedFromEpoch);
        }
    }

    public void OnWarning(string message) => progress.Warning(message);

    public void OnBatch(int epoch, int batch, int batches)
    {
        long images = (long)(epoch - 1) * trainCount + (long)trainCount * batch / batches;
        var (fraction, remaining) = session.Clock.Update(ticket.Run.RunId, images);
        progress.Batch(ticket, epoch, batch, batches, fraction, remaining);
    }

    public void OnEpoch(EpochMetrics metrics)
    {
        session.Repository.AddEpoch(ticket.Run.RunId, metrics);
        progress.EpochFinished(ticket, metrics, session.Clock.Remaining());
    }
}
