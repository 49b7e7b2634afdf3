namespace Sweep.Training;

/// <summary>What one finished epoch measured.</summary>
internal sealed record EpochMetrics(
    int Epoch,
    double TrainLoss,
    double LastBatchLoss,
    double TestLoss,
    double TestAccuracy,
    double LearningRate,
    double Seconds,
    double ImagesPerSecond);

/// <summary>How a run ended when it did not throw.</summary>
internal enum RunOutcome
{
    Completed,
    Diverged,
}

/// <summary>The result of training one run to its end.</summary>
internal sealed record RunResult(RunOutcome Outcome, IReadOnlyList<EpochMetrics> Epochs, int? DivergedAtEpoch, string? Message);

/// <summary>Receives progress from the trainer; implementations must be cheap (called per batch).</summary>
internal interface ITrainingObserver
{
    void OnBatch(int epoch, int batch, int batches);

    /// <summary>Called when an epoch has finished; this is where its row is committed.</summary>
    void OnEpoch(EpochMetrics metrics);
}
