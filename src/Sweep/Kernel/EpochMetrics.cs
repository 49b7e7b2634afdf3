namespace Sweep.Kernel;

/// <summary>What one finished epoch measured. Test AUC is the macro one-vs-rest ROC AUC over the whole test set (binary AUC for two classes).</summary>
internal sealed record EpochMetrics(
    int Epoch,
    double TrainLoss,
    double LastBatchLoss,
    double TestLoss,
    double TestAccuracy,
    double LearningRate,
    double Seconds,
    double ImagesPerSecond,
    double TestAuc = double.NaN);
