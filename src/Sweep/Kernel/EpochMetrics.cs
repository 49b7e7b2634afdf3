namespace Sweep.Kernel;

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
