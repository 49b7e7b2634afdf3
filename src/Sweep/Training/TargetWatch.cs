using Sweep.Kernel;
using Sweep.Spec;
using TorchSharp;
using static TorchSharp.torch;

namespace Sweep.Training;

/// <summary>The step and the training images at which a run first reached its target.</summary>
internal sealed record TargetReached(long Steps, long Examples);

/// <summary>
/// Steps to a target (Shallue et al. 2019): every <c>target_every</c> training images — the same
/// number for every batch size, so every batch size is looked at equally often in examples — the
/// model is evaluated on the target's set, and the first step at which the metric reaches the
/// target is the run's result. Counts are over the whole run: a run resumed from the checkpoint of
/// epoch k counts its earlier epochs as trained in full.
/// </summary>
internal sealed class TargetWatch(RunConfig config, ImageTensors images, EvaluationSet set, long every, long stepsBefore, long examplesBefore)
{
    /// <summary>The watch for one epoch, or null when the run has no target.</summary>
    public static TargetWatch? For(RunConfig config, ImageTensors images, int epoch)
    {
        if (config.TargetMetric == "none")
        {
            return null;
        }
        EvaluationSet set = Metric.Named(config.TargetMetric).NeedsValidation
            ? images.Validation ?? throw new InvalidOperationException("a validation target without validation images passed the plan check")
            : images.Test;
        long perEpoch = images.TrainedPerEpoch(config.BatchSize);
        long batches = (perEpoch + config.BatchSize - 1) / config.BatchSize;
        return new TargetWatch(config, images, set, config.TargetEvery ?? perEpoch, (epoch - 1) * batches, (epoch - 1) * perEpoch);
    }

    /// <summary>After a step: evaluates when this step crossed a multiple of target_every; the result when the target is reached.</summary>
    public TargetReached? After(nn.Module<Tensor, Tensor> model, int batchInEpoch, int batchSize, long trainedInEpoch)
    {
        long examples = examplesBefore + trainedInEpoch;
        long previous = examples - batchSize;
        if (examples / every == previous / every)
        {
            return null;
        }
        var (loss, accuracy, _) = Evaluation.Run(model, 1, x => model.forward(x).unsqueeze(0), images, set, withAuc: false);
        model.train();
        // Target metrics are losses (lower is better) or accuracies; the AUC is not evaluated here.
        Metric metric = Metric.Named(config.TargetMetric);
        double value = metric.LowerIsBetter ? loss[0] : accuracy[0];
        bool reached = metric.LowerIsBetter ? value <= config.TargetValue : value >= config.TargetValue;
        return reached ? new TargetReached(stepsBefore + batchInEpoch, examples) : null;
    }
}
