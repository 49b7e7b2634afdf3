using System.Diagnostics;
using Sweep.Data;
using Sweep.Kernel;
using Sweep.Spec;
using TorchSharp;
using static TorchSharp.torch;

namespace Sweep.Training.Fused;

/// <summary>How a fused pack is trained.</summary>
/// <param name="DataSeed">Seeds the batch order and augmentation that every slice shares (common random numbers).</param>
internal sealed record FusedOptions(int Threads, long DataSeed, ITrainingCheckpoints? Checkpoints = null);

/// <summary>
/// Trains K runs that differ only in optimizer settings and initial-weight seed as one fused
/// network: every slice sees the same batches, the loss is the sum of the K losses (their
/// gradients do not mix), and each run's epochs are reported to its own observer as if it had
/// trained alone. A slice that diverges is frozen (learning rate 0) and recorded; the rest go on.
/// </summary>
internal sealed class FusedTrainer
{
    public IReadOnlyList<RunResult> Train(IReadOnlyList<RunConfig> configs, DatasetPair data, IReadOnlyList<ITrainingObserver> observers,
        CancellationToken cancel, FusedOptions options)
    {
        int k = configs.Count;
        Device device = TorchDevice.Resolve(configs[0].Device);
        TorchDevice.Prepare(configs.FirstOrDefault(c => c.Deterministic) ?? configs[0], options.Threads, observers[0].OnWarning);
        using var state = new FusedState(k, () =>
        {
            FusedNetwork network = BuildNetwork(configs, data.Info, device);
            return (network, new InPlaceOptimizer(network.parameters(), configs, device));
        });
        int start = Restore(options.Checkpoints, state, observers[0]);
        var (network, optimizer, active) = (state.Network, state.Optimizer, state.Active);
        foreach (ITrainingObserver observer in observers)
        {
            observer.OnStart(start);
        }

        using var images = new ImageTensors(data, device);
        var epochs = configs.Select(_ => new List<EpochMetrics>()).ToArray();
        var diverged = new int?[k];
        var messages = new string?[k];
        for (int epoch = start + 1; epoch <= configs[0].Epochs && active.Any(a => a); epoch++)
        {
            using var random = new EpochRandom(Trainer.EpochSeed(options.DataSeed, epoch));
            double[] rates = configs.Select((c, i) => active[i] ? LearningRateSchedule.At(c, epoch) : 0).ToArray();
            optimizer.SetLearningRates(rates);
            var (trainLoss, lastLoss, seconds) = TrainEpoch(configs[0], network, optimizer, random, images, active, epoch, observers, cancel);
            var (testLoss, accuracy, auc) = Evaluation.Run(network, k, network.forward, images);
            var (validation, trainEval) = Evaluation.Extra(network, k, network.forward, images, configs[0].EvaluateTrain);
            for (int i = 0; i < k; i++)
            {
                if (!active[i])
                {
                    continue;
                }
                var metrics = new EpochMetrics(epoch, trainLoss[i], lastLoss[i], testLoss[i], accuracy[i], rates[i], seconds, images.TrainedPerEpoch(configs[i].BatchSize) / Math.Max(seconds, 1e-9), auc[i],
                    validation.Loss[i], validation.Accuracy[i], trainEval.Loss[i], trainEval.Accuracy[i]);
                epochs[i].Add(metrics);
                observers[i].OnEpoch(metrics);
                if (DivergenceRule.Check(configs[i], data.Info.Classes, epoch, trainLoss[i], testLoss[i]) is { } why)
                {
                    active[i] = false;
                    diverged[i] = epoch;
                    messages[i] = why + "; its slice of the fused pack was frozen";
                }
            }
            options.Checkpoints?.EpochEnded(epoch, state);
        }
        return Enumerable.Range(0, k).Select(i => diverged[i] is { } at
            ? new RunResult(RunOutcome.Diverged, epochs[i], at, messages[i])
            : new RunResult(RunOutcome.Completed, epochs[i], null, null)).ToList();
    }

    /// <summary>The epoch to continue after; a checkpoint that fails half-way starts the pack over (which slices train is reset too).</summary>
    private static int Restore(ITrainingCheckpoints? checkpoints, FusedState state, ITrainingObserver observer)
    {
        try
        {
            return checkpoints?.Restore(state) ?? 0;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The weights may be half-loaded; starting over re-initialises them from each run's seed.
            observer.OnWarning($"{ex.Message}; starting the pack over");
            state.Reset();
            return 0;
        }
    }

    /// <summary>Each run's model is built exactly as an unfused run would build it (its own seed), then fused.</summary>
    private static FusedNetwork BuildNetwork(IReadOnlyList<RunConfig> configs, DatasetInfo info, Device device)
    {
        var models = configs.Select(c => ModelFactory.Create(c, info, CPU)).ToList();
        try
        {
            var network = new FusedNetwork(models);
            network.to(device);
            return network;
        }
        finally
        {
            models.ForEach(m => m.Dispose());
        }
    }

    private static (double[] Mean, double[] Last, double Seconds) TrainEpoch(RunConfig config, FusedNetwork network, InPlaceOptimizer optimizer,
        EpochRandom random, ImageTensors images, bool[] active, int epoch, IReadOnlyList<ITrainingObserver> observers, CancellationToken cancel)
    {
        int k = network.Count;
        network.train();
        var clock = Stopwatch.StartNew();
        using Tensor lossSum = zeros(k, dtype: float64, device: images.Device);
        using Tensor lastLoss = zeros(k, dtype: float32, device: images.Device);
        Func<Tensor, Tensor> forward = network.forward; // made once, not per step
        using Tensor trained = tensor(Enumerable.Range(0, k).Where(i => active[i]).Select(i => (long)i).ToArray(), device: images.Device);
        foreach (var (batch, batches, size, x, y) in images.Batches(config.BatchSize, config.Augment, random, cancel))
        {
            // Only the slices still training contribute; a frozen (diverged) slice gets no gradient.
            Tensor detached = TrainingStep.Take(forward, optimizer, x, y, trained);
            lossSum.add_(detached.to(float64) * size);
            lastLoss.copy_(detached);
            for (int i = 0; i < k; i++)
            {
                if (active[i])
                {
                    observers[i].OnBatch(epoch, batch, batches);
                }
            }
        }
        double seconds = clock.Elapsed.TotalSeconds;
        double[] sums = lossSum.data<double>().ToArray();
        return (sums.Select(s => s / images.TrainedPerEpoch(config.BatchSize)).ToArray(), lastLoss.data<float>().Select(v => (double)v).ToArray(), seconds);
    }
}
