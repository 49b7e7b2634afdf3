using Sweep.Data;
using Sweep.Kernel;
using Sweep.Spec;
using static TorchSharp.torch;

namespace Sweep.Training;

/// <summary>
/// The LR range test (Smith 2015; fastai's lr_find): from the run's initial weights, one
/// mini-batch per step while the learning rate rises exponentially from start to end; stops when
/// the smoothed loss passes four times its minimum. Batches come in the run's own seeded order.
/// </summary>
internal static class LrRangeTest
{
    public static LrCurve Run(RunConfig config, DatasetPair data, double startLr, double endLr, int steps, int threads, CancellationToken cancel)
    {
        Device device = TorchDevice.Resolve(config.Device);
        TorchDevice.Prepare(config, threads, _ => { });
        using var model = ModelFactory.Create(config, data.Info, device);
        using var optimizer = new InPlaceOptimizer(model.parameters(), [config], device);
        using var images = new ImageTensors(data, device);
        model.train();
        var points = new List<LrPoint>();
        Func<Tensor, Tensor> forward = model.forward; // made once, not per step
        double average = 0;
        for (int epoch = 1; points.Count < steps; epoch++)
        {
            using var random = new EpochRandom(Trainer.EpochSeed(config.Seed, epoch));
            foreach (var batch in images.Batches(config.BatchSize, config.Augment, random, cancel))
            {
                double lr = LrCurve.LrAt(points.Count + 1, steps, startLr, endLr);
                optimizer.SetLearningRates([lr]);
                Tensor loss = TrainingStep.Take(forward, optimizer, batch.X, batch.Y);
                var (_, stop) = LrCurve.Next(points, ref average, lr, loss.item<float>());
                if (stop || points.Count >= steps)
                {
                    return new LrCurve(points, stop);
                }
            }
        }
        return new LrCurve(points, false);
    }
}
