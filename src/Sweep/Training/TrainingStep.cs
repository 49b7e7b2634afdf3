using static TorchSharp.torch;

namespace Sweep.Training;

/// <summary>
/// The one optimizer step every training loop takes (a single run, a fused pack, the LR range
/// test): the batch's cross-entropy, backward, the update. A fused pack's logits carry its runs as
/// a leading dimension; each run's loss is its own mean, and only the runs still training get a
/// gradient.
/// </summary>
internal static class TrainingStep
{
    /// <summary>Takes one step and returns each run's loss on the batch, detached, on the device (no host synchronisation).</summary>
    /// <param name="forward">The model: logits [batch, classes], or [runs, batch, classes] for a fused pack.</param>
    /// <param name="training">For a fused pack, the indices of the runs still training (null: all).</param>
    public static Tensor Take(Func<Tensor, Tensor> forward, InPlaceOptimizer optimizer, Tensor x, Tensor y, Tensor? training = null)
    {
        Tensor logits = forward(x);
        Tensor objective, perRun;
        if (logits.dim() == 2)
        {
            objective = nn.functional.cross_entropy(logits, y);
            perRun = objective.view(1);
        }
        else
        {
            long runs = logits.shape[0], size = logits.shape[1], classes = logits.shape[2];
            perRun = nn.functional.cross_entropy(logits.reshape(runs * size, classes), y.repeat(runs), reduction: nn.Reduction.None)
                .view(runs, size).mean([1]);
            objective = (training is null ? perRun : perRun.index_select(0, training)).sum();
        }
        optimizer.ZeroGrad();
        objective.backward();
        optimizer.Step();
        return perRun.detach();
    }
}
