using System.Diagnostics;
using Sweep.Configuration;
using Sweep.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Sweep.Training;

/// <summary>
/// The one trainer core every run goes through: seeded model and data order, whole-batch
/// normalisation and augmentation on the device, the loss accumulated on the device and read
/// once per epoch, and an honest evaluation over the whole test set without augmentation.
/// </summary>
internal sealed class Trainer
{
    private const int EvaluationBatch = 1000;

    /// <summary>A run diverged when its mean training loss exceeds this many times ln(classes).</summary>
    public const double DivergenceFactor = 10.0;

    public RunResult Train(RunConfig config, DatasetPair data, ITrainingObserver observer, CancellationToken cancel)
    {
        Device device = TorchDevice.Resolve(config.Device);
        set_num_threads(TorchDevice.ThreadsFor(config));
        // TorchSharp 0.107 does not implement use_deterministic_algorithms; on CPU the kernels
        // are deterministic for a fixed thread count, which is what deterministic: true relies on.

        using var model = ModelFactory.Create(config, data.Info, device);
        using var optimizer = OptimizerFactory.Create(config, model.parameters());
        // Shuffling and augmentation draw from their own generator, seeded from the run.
        using var generator = new Generator((ulong)config.Seed + 1, device);
        using var images = new ImageTensors(data, device);

        var epochs = new List<EpochMetrics>();
        double divergenceBound = DivergenceFactor * Math.Log(data.Info.Classes);
        for (int epoch = 1; epoch <= config.Epochs; epoch++)
        {
            var (trainLoss, lastLoss, seconds) = TrainEpoch(config, model, optimizer, generator, images, epoch, observer, cancel);
            var (testLoss, testAccuracy) = Evaluate(model, images);
            var metrics = new EpochMetrics(epoch, trainLoss, lastLoss, testLoss, testAccuracy, config.Lr, seconds,
                images.TrainCount / Math.Max(seconds, 1e-9));
            epochs.Add(metrics);
            observer.OnEpoch(metrics);
            if (!double.IsFinite(trainLoss) || trainLoss > divergenceBound)
            {
                return new RunResult(RunOutcome.Diverged, epochs, epoch,
                    $"training loss {trainLoss:G4} in epoch {epoch} is beyond {divergenceBound:G3} (10 × ln {data.Info.Classes})");
            }
        }
        return new RunResult(RunOutcome.Completed, epochs, null, null);
    }

    private static (double Mean, double Last, double Seconds) TrainEpoch(
        RunConfig config, nn.Module<Tensor, Tensor> model, optim.Optimizer optimizer, Generator generator,
        ImageTensors images, int epoch, ITrainingObserver observer, CancellationToken cancel)
    {
        model.train();
        var clock = Stopwatch.StartNew();
        using Tensor lossSum = zeros(1, dtype: float64, device: images.Device);
        using Tensor lastLoss = zeros(1, dtype: float32, device: images.Device);
        using Tensor order = randperm(images.TrainCount, dtype: int64, device: images.Device, generator: generator);
        int batches = (images.TrainCount + config.BatchSize - 1) / config.BatchSize;
        for (int batch = 0; batch < batches; batch++)
        {
            cancel.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            int start = batch * config.BatchSize;
            int size = Math.Min(config.BatchSize, images.TrainCount - start);
            Tensor index = order.narrow(0, start, size);
            Tensor x = images.TrainBatch(index);
            if (config.Augment)
            {
                x = BatchAugmenter.Apply(x, generator);
            }
            x = images.Normalise(x);
            Tensor y = images.TrainLabels.index_select(0, index);

            Tensor loss = nn.functional.cross_entropy(model.forward(x), y);
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();

            // Stay on the device: no per-step host synchronisation.
            Tensor detached = loss.detach();
            lossSum.add_(detached * size);
            lastLoss.copy_(detached.view(1));
            observer.OnBatch(epoch, batch + 1, batches);
        }
        double seconds = clock.Elapsed.TotalSeconds;
        return (lossSum.item<double>() / images.TrainCount, lastLoss.item<float>(), seconds);
    }

    private static (double Loss, double Accuracy) Evaluate(nn.Module<Tensor, Tensor> model, ImageTensors images)
    {
        model.eval();
        using var noGrad = no_grad();
        using Tensor lossSum = zeros(1, dtype: float64, device: images.Device);
        using Tensor correct = zeros(1, dtype: int64, device: images.Device);
        for (int start = 0; start < images.TestCount; start += EvaluationBatch)
        {
            using var scope = NewDisposeScope();
            int size = Math.Min(EvaluationBatch, images.TestCount - start);
            Tensor x = images.Normalise(images.TestImages.narrow(0, start, size).to(float32).div_(255));
            Tensor y = images.TestLabels.narrow(0, start, size);
            Tensor logits = model.forward(x);
            lossSum.add_(nn.functional.cross_entropy(logits, y, reduction: nn.Reduction.Sum));
            correct.add_(logits.argmax(1).eq(y).sum());
        }
        return (lossSum.item<double>() / images.TestCount, (double)correct.item<long>() / images.TestCount);
    }
}
