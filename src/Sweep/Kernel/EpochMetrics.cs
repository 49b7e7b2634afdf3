namespace Sweep.Kernel;

/// <summary>
/// What one finished epoch measured. Test AUC is the macro one-vs-rest ROC AUC over the whole test
/// set (binary AUC for two classes). Validation numbers are NaN without validation_size, the
/// training-set evaluation (eval mode, no augmentation) NaN without evaluate_train. TargetSteps and
/// TargetExamples are set on the epoch in which the run reached its target (it stops there).
/// </summary>
internal sealed record EpochMetrics(
    int Epoch,
    double TrainLoss,
    double LastBatchLoss,
    double TestLoss,
    double TestAccuracy,
    double LearningRate,
    double Seconds,
    double ImagesPerSecond,
    double TestAuc = double.NaN,
    double ValidationLoss = double.NaN,
    double ValidationAccuracy = double.NaN,
    double TrainEvalLoss = double.NaN,
    double TrainEvalAccuracy = double.NaN,
    long? TargetSteps = null,
    long? TargetExamples = null);
