using Sweep.Kernel;
using Sweep.Spec;

namespace Sweep.Training;

/// <summary>How a run ended when it did not throw.</summary>
internal enum RunOutcome
{
    Completed,
    Diverged,

    /// <summary>Stopped after <see cref="TrainerOptions.StopAfterEpoch"/> with its checkpoint saved, to continue later.</summary>
    Paused,
}

/// <summary>The result of training one run to its end.</summary>
internal sealed record RunResult(RunOutcome Outcome, IReadOnlyList<EpochMetrics> Epochs, int? DivergedAtEpoch, string? Message);

/// <summary>Receives progress from the trainer; implementations must be cheap (called per batch).</summary>
internal interface ITrainingObserver
{
    /// <summary>Called once before the first step: 0 for a fresh start, else the checkpointed epoch it continues after.</summary>
    void OnStart(int resumedFromEpoch);

    void OnWarning(string message);

    void OnBatch(int epoch, int batch, int batches);

    /// <summary>Called when an epoch has finished; this is where its row is committed.</summary>
    void OnEpoch(EpochMetrics metrics);
}

/// <summary>How to run the trainer: threads for torch, and where its state goes between epochs (nowhere in unit tests).</summary>
/// <param name="DataSeed">Seeds batch order and augmentation; default the run's seed (a fused pack shares its first run's).</param>
/// <param name="StopAfterEpoch">Pause after this epoch (a successive-halving rung) instead of training to the end.</param>
internal sealed record TrainerOptions(int Threads, ITrainingCheckpoints? Checkpoints = null, long? DataSeed = null, int? StopAfterEpoch = null)
{
    public static TrainerOptions For(RunConfig config) => new(TorchDevice.ThreadsFor(config));
}
