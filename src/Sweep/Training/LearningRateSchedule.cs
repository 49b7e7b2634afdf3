using Sweep.Spec;

namespace Sweep.Training;

/// <summary>
/// The learning rate of each epoch (1-based), a pure function of the run's settings: optional
/// linear warm-up over warmup_epochs, then constant, step (× gamma every step_size epochs) or
/// cosine (from lr down to 0 over the remaining epochs). Per epoch, so a resumed run gets exactly
/// the rates it would have had.
/// </summary>
internal static class LearningRateSchedule
{
    public static double At(RunConfig config, int epoch)
    {
        if (epoch <= config.WarmupEpochs)
        {
            return config.Lr * epoch / (config.WarmupEpochs + 1);
        }
        int after = epoch - config.WarmupEpochs - 1; // 0 for the first epoch after warm-up
        int span = Math.Max(1, config.Epochs - config.WarmupEpochs);
        return config.LrSchedule switch
        {
            "step" => config.Lr * Math.Pow(config.Gamma, after / config.StepSize),
            "cosine" => config.Lr * 0.5 * (1 + Math.Cos(Math.PI * after / span)),
            _ => config.Lr,
        };
    }
}
