using System.Diagnostics;
using Sweep.Configuration;
using Sweep.Data;
using Sweep.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Sweep.Fusion;

/// <summary>How a fused pack is trained.</summary>
/// <param name="DataSeed">Seeds the batch order and augmentation that every slice shares (common random numbers).</param>
internal sealed record FusedOptions(int Threads, long DataSeed, PackCheckpoints? Checkpoints = null);

/// <summary>
/// Trains K runs that differ only in optimizer settings and initial-weight seed as one fused
/// network: every slice sees the same batches, the loss is the sum of the K losses (their
/// gradients do not mix), and each run's epochs are reported to its own observer as if it had
/// trained alone. A slice that diverges is frozen (learning rate 0) and recorded; the rest go on.
/// </summary>
internal sealed class FusedTrainer
{
    private const int EvaluationBatch = 1000;

    public IReadOnlyList<RunResult> Train(IReadOnlyList<RunConfig> configs, DatasetPair data, IReadOnlyList<ITrainingObserver> observers,
        CancellationToken cancel, FusedOptions options)
    {
        int k = configs.Count;
        Device device = TorchDevice.Resolve(configs[0].Device);
        set_num_threads(options.Threads);
        using var network = BuildNetwork(configs, data.Info, device);
        using var optimizer = new FusedOptimizer(network.parameters(), configs, device);
        var active = Enumerable.Repeat(true, k).ToArray();
        int start = options.Checkpoints?.TryRestore(network, optimizer, active, observers[0].OnWarning) ?? 0;
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
            using var generator = new Generator(Trainer.EpochSeed(options.DataSeed, epoch), device);
            double[] rates = configs.Select((c, i) => active[i] ? LearningRateSchedule.At(c, epoch) : 0).ToArray();
            optimizer.SetLearningRates(rates);
            var (trainLoss, lastLoss, seconds) = TrainEpoch(configs[0], network, optimizer, generator, images, active, epoch, observers, cancel);
            var (testLoss, accuracy) = Evaluate(network, images);
            for (int i = 0; i < k; i++)
            {
                if (!active[i])
                {
                    continue;
                }
                var metrics = new EpochMetrics(epoch, trainLoss[i], lastLoss[i], testLoss[i], accuracy[i], rates[i], seconds, images.TrainCount / Math.Max(seconds, 1e-9));
                epochs[i].Add(metrics);
                observers[i].OnEpoch(metrics);
                double bound = configs[i].DivergenceFactor * Math.Log(data.Info.Classes);
                if (!double.IsFinite(trainLoss[i]) || trainLoss[i] > bound)
                {
                    active[i] = false;
                    diverged[i] = epoch;
                    messages[i] = string.Create(System.Globalization.CultureInfo.InvariantCulture,
                        $"training loss {trainLoss[i]:G4} in epoch {epoch} is beyond {bound:G3} ({configs[i].DivergenceFactor:G3} × ln {data.Info.Classes}); its slice of the fused pack was frozen");
                }
            }
            options.Checkpoints?.Save(epoch, network, optimizer, active);
        }
        return Enumerable.Range(0, k).Select(i => diverged[i] is { } at
            ? new RunResult(RunOutcome.Diverged, epochs[i], at, messages[i])
            : new RunResult(RunOutcome.Completed, epochs[i], null, null)).ToList();
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

    private static (double[] Mean, double[] Last, double Seconds) TrainEpoch(RunConfig config, FusedNetwork network, FusedOptimizer optimizer,
        Generator generator, ImageTensors images, bool[] active, int epoch, IReadOnlyList<ITrainingObserver> observers, CancellationToken cancel)
    {
        int k = network.Count;
        network.train();
        var clock = Stopwatch.StartNew();
        using Tensor lossSum = zeros(k, dtype: float64, device: images.Device);
        using Tensor lastLoss = zeros(k, dtype: float32, device: images.Device);
        using Tensor trained = tensor(Enumerable.Range(0, k).Where(i => active[i]).Select(i => (long)i).ToArray(), device: images.Device);
        foreach (var (batch, batches, size, x, y) in images.Batches(config.BatchSize, config.Augment, generator, cancel))
        {
            Tensor logits = network.forward(x);
            long classes = logits.shape[2];
            Tensor perSlice = nn.functional.cross_entropy(logits.reshape(k * size, classes), y.repeat(k), reduction: nn.Reduction.None)
                .view(k, size).mean([1]);
            // Only the slices still training contribute; a frozen (diverged) slice gets no gradient.
            Tensor total = perSlice.index_select(0, trained).sum();
            optimizer.ZeroGrad();
            total.backward();
            optimizer.Step();

            Tensor detached = perSlice.detach();
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
        return (sums.Select(s => s / images.TrainCount).ToArray(), lastLoss.data<float>().Select(v => (double)v).ToArray(), seconds);
    }

    private static (double[] Loss, double[] Accuracy) Evaluate(FusedNetwork network, ImageTensors images)
    {
        int k = network.Count;
        network.eval();
        using var noGrad = no_grad();
        using Tensor lossSum = zeros(k, dtype: float64, device: images.Device);
        using Tensor correct = zeros(k, dtype: int64, device: images.Device);
        foreach (var (x, y) in images.TestBatches(EvaluationBatch))
        {
            Tensor logits = network.forward(x);
            long size = y.shape[0], classes = logits.shape[2];
            lossSum.add_(nn.functional.cross_entropy(logits.reshape(k * size, classes), y.repeat(k), reduction: nn.Reduction.None)
                .view(k, size).sum([1]).to(float64));
            correct.add_(logits.argmax(2).eq(y.unsqueeze(0)).sum([1]));
        }
        double n = images.TestCount;
        return (lossSum.data<double>().Select(v => v / n).ToArray(), correct.data<long>().Select(c => c / n).ToArray());
    }
}
