using System.Globalization;
using Sweep.Spec;

namespace Sweep.Training;

/// <summary>
/// One rule for every trainer: a run has diverged when its mean training loss of an epoch is not
/// finite or exceeds divergence_factor × ln(classes) (ln(classes) is the loss of a uniform guess),
/// or when its test loss is not finite (the training loss can stay finite while batch-norm
/// statistics, used only in evaluation, have become NaN).
/// </summary>
internal static class DivergenceRule
{
    /// <summary>Why the epoch counts as diverged, or null when it does not.</summary>
    public static string? Check(RunConfig config, int classes, int epoch, double trainLoss, double testLoss)
    {
        double bound = config.DivergenceFactor * Math.Log(classes);
        if (!double.IsFinite(trainLoss) || trainLoss > bound)
        {
            return string.Create(CultureInfo.InvariantCulture,
                $"training loss {trainLoss:G4} in epoch {epoch} is beyond {bound:G3} ({config.DivergenceFactor:G3} × ln {classes})");
        }
        return double.IsFinite(testLoss) ? null : string.Create(CultureInfo.InvariantCulture,
            $"test loss {testLoss:G4} in epoch {epoch} (the model's outputs on the test images are not finite)");
    }
}
