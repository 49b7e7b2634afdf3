using System.Diagnostics;
using Sweep.Data;
using Sweep.Kernel;
using Sweep.Spec;
using TorchSharp.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace Sweep.Training;

/// <summary>
/// The one trainer core every single run goes through (its step, <see cref="TrainingStep"/>, is also
/// the fused packs' and the LR range test's): seeded model and data order, whole-batch
/// normalisation and augmentation on the device, the loss accumulated on the device and read
/// once per epoch, and an honest evaluation over the whole test set without augmentation.
/// </summary>
internal sealed class Trainer
{
    public RunResult Train(RunConfig config, DatasetPair data, ITrainingObserver observer, CancellationToken cancel) =>
        Train(config, data, observer, cancel, TrainerOptions.For(config));

    public RunResult Train(RunConfig config, DatasetPair data, ITrainingObserver observer, CancellationToken cancel, TrainerOptions options)
    {
        Device device = TorchDevice.Resolve(config.Device);
        TorchDevice.Prepare(config, options.Threads, observer.OnWarning);

        var model = ModelFactory.Create(config, data.Info, device);
        var optimizer = new InPlaceOptimizer(model.parameters(), [config], device);
        try
        {
            int start = Restore(config, data, device, options.Checkpoints, observer, ref model, ref optimizer);
            observer.OnStart(start);
            return Loop(config, data, device, observer, cancel, options, model, optimizer, start);
        }
        finally
        {
            optimizer.Dispose();
            model.Dispose();
        }
    }

    /// <summary>The epoch to continue after; a checkpoint that fails half-way leaves a fresh model and optimizer.</summary>
    private static int Restore(RunConfig config, DatasetPair data, Device device, ITrainingCheckpoints? checkpoints, ITrainingObserver observer,
        ref nn.Module<Tensor, Tensor> model, ref InPlaceOptimizer optimizer)
    {
        if (checkpoints is null)
        {
            return 0;
        }
        try
        {
            return checkpoints.Restore(new ModelState(model, optimizer));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            observer.OnWarning($"{ex.Message}; starting the run over");
            optimizer.Dispose();
            model.Dispose();
            model = ModelFactory.Create(config, data.Info, device);
            optimizer = new InPlaceOptimizer(model.parameters(), [config], device);
            return 0;
        }
    }

    private static RunResult Loop(RunConfig config, DatasetPair data, Device device, ITrainingObserver observer, CancellationToken cancel,
        TrainerOptions options, nn.Module<Tensor, Tensor> model, InPlaceOptimizer optimizer, int start)
    {
        using var images = new ImageTensors(data, device);
        var state = new ModelState(model, optimizer);
        var epochs = new List<EpochMetrics>();
        int last = Math.Min(config.Epochs, options.StopAfterEpoch ?? config.Epochs);
        for (int epoch = start + 1; epoch <= last; epoch++)
        {
            // Shuffling and augmentation draw from a generator seeded by the run's seed and the
            // epoch, so a run resumed from a checkpoint sees exactly the batches it would have.
            using var random = new EpochRandom(EpochSeed(options.DataSeed ?? config.Seed, epoch));
            // Whatever draws from libtorch's global generator during the epoch (a TorchScript model's
            // dropout) draws from a state set by the run's seed and the epoch, so a resumed run repeats.
            ModelFactory.SeedGlobalGenerator(EpochSeed(config.Seed, epoch) ^ 0x5DEECE66DUL);
            double lr = LearningRateSchedule.At(config, epoch);
            optimizer.SetLearningRates([lr]);
            var (trainLoss, lastLoss, seconds, trained, reached) = TrainEpoch(config, model, optimizer, random, images, epoch, observer, cancel);
            Func<Tensor, Tensor> logits = x => model.forward(x).unsqueeze(0);
            var (testLoss, testAccuracy, testAuc) = Evaluation.Run(model, 1, logits, images);
            var (validation, trainEval) = Evaluation.Extra(model, 1, logits, images, config.EvaluateTrain);
            var metrics = new EpochMetrics(epoch, trainLoss, lastLoss, testLoss[0], testAccuracy[0], lr, seconds,
                trained / Math.Max(seconds, 1e-9), testAuc[0],
                validation.Loss[0], validation.Accuracy[0], trainEval.Loss[0], trainEval.Accuracy[0], reached?.Steps, reached?.Examples);
            epochs.Add(metrics);
            observer.OnEpoch(metrics);
            if (DivergenceRule.Check(config, data.Info.Classes, epoch, trainLoss, testLoss[0]) is { } diverged)
            {
                return new RunResult(RunOutcome.Diverged, epochs, epoch, diverged);
            }
            if (reached is not null)
            {
                // Reached its target: the run is done, whatever epochs were left (they were only a cap).
                options.Checkpoints?.TrainingEnded(state);
                return new RunResult(RunOutcome.Completed, epochs, null, null);
            }
            // After the epoch's row is committed: a crash between the two repeats this epoch on resume.
            options.Checkpoints?.EpochEnded(epoch, state);
        }
        if (last < config.Epochs)
        {
            return new RunResult(RunOutcome.Paused, epochs, null, null);
        }
        options.Checkpoints?.TrainingEnded(state);
        return new RunResult(RunOutcome.Completed, epochs, null, null);
    }

    internal static ulong EpochSeed(long seed, int epoch) => unchecked((ulong)seed * 1_000_003UL + (ulong)epoch);

    private static (double Mean, double Last, double Seconds, long Trained, TargetReached? Reached) TrainEpoch(
        RunConfig config, nn.Module<Tensor, Tensor> model, InPlaceOptimizer optimizer, EpochRandom random,
        ImageTensors images, int epoch, ITrainingObserver observer, CancellationToken cancel)
    {
        model.train();
        var clock = Stopwatch.StartNew();
        using Tensor lossSum = zeros(1, dtype: float64, device: images.Device);
        using Tensor lastLoss = zeros(1, dtype: float32, device: images.Device);
        var target = TargetWatch.For(config, images, epoch);
        Func<Tensor, Tensor> forward = model.forward; // made once, not per step
        long trained = 0;
        TargetReached? reached = null;
        foreach (var (batch, batches, size, x, y) in images.Batches(config.BatchSize, config.Augment, random, cancel))
        {
            Tensor detached = TrainingStep.Take(forward, optimizer, x, y);

            // Stay on the device: no per-step host synchronisation.
            lossSum.add_(detached * size);
            lastLoss.copy_(detached);
            trained += size;
            observer.OnBatch(epoch, batch, batches);
            if (target?.After(model, batch, size, trained) is { } hit)
            {
                reached = hit;
                break;
            }
        }
        double seconds = clock.Elapsed.TotalSeconds;
        return (lossSum.item<double>() / Math.Max(1, trained), lastLoss.item<float>(), seconds, trained, reached);
    }
}
