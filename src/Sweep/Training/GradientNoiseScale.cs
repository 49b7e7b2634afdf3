using Sweep.Data;
using Sweep.Spec;
using TorchSharp;
using static TorchSharp.torch;

namespace Sweep.Training;

/// <summary>A measured gradient noise scale: |G|², tr(Σ) and B_simple = tr(Σ) / |G|².</summary>
internal sealed record NoiseScale(double GradientSquared, double TraceSigma, int SmallBatch, int BigBatch, int Repeats)
{
    public double Simple => TraceSigma / GradientSquared;
}

/// <summary>
/// The simple gradient noise scale of McCandlish et al. (2018), "An empirical model of large-batch
/// training", Appendix A.1: from squared norms of the mean gradient over a small and a big batch,
/// |G|² ≈ (B_big |G_big|² − B_small |G_small|²) / (B_big − B_small) and
/// tr(Σ) ≈ (|G_small|² − |G_big|²) / (1 / B_small − 1 / B_big), each unbiased; both are averaged
/// over repeats before their ratio is taken (a ratio of unbiased estimates, as the paper does).
/// </summary>
internal static class GradientNoiseScale
{
    /// <param name="squaredNorm">|∇ mean loss|² over a fresh random batch of the given size.</param>
    public static NoiseScale Estimate(Func<int, double> squaredNorm, int small, int big, int repeats)
    {
        if (small < 1 || big <= small || repeats < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(big), $"needs 1 ≤ small < big and repeats ≥ 1 (got {small}, {big}, {repeats})");
        }
        double g2 = 0, trace = 0;
        for (int r = 0; r < repeats; r++)
        {
            double gSmall = squaredNorm(small), gBig = squaredNorm(big);
            g2 += (big * gBig - small * gSmall) / (big - small);
            trace += (gSmall - gBig) / (1.0 / small - 1.0 / big);
        }
        return new NoiseScale(g2 / repeats, trace / repeats, small, big, repeats);
    }

    /// <summary>
    /// The noise scale of a model's training loss on its training images: batches drawn at random
    /// (seeded) from the whole training set, the model in eval mode so that batch norm uses its
    /// running statistics and the loss of an image does not depend on the others in its batch.
    /// </summary>
    /// <summary>Measures a run's model: its initial weights (seeded as the run's), or the final weights saved at <paramref name="weights"/>.</summary>
    public static NoiseScale MeasureRun(RunConfig config, DatasetPair data, string? weights, int small, int big, int repeats, Action<string> warn)
    {
        Device device = TorchDevice.Resolve(config.Device);
        TorchDevice.Prepare(config, TorchDevice.ThreadsFor(config), warn);
        using var model = ModelFactory.Create(config, data.Info, device);
        if (weights is not null)
        {
            model.load(weights);
        }
        return Measure(model, data, device, small, big, repeats, (ulong)config.Seed);
    }

    public static NoiseScale Measure(nn.Module<Tensor, Tensor> model, DatasetPair data, Device device, int small, int big, int repeats, ulong seed)
    {
        using var images = new ImageTensors(data, device);
        var parameters = model.parameters().Where(p => p.requires_grad).ToList();
        model.eval();
        int draw = 0;
        double SquaredNorm(int batch)
        {
            using var scope = NewDisposeScope();
            using var random = new EpochRandom(seed + (ulong)draw++);
            Tensor index = random.Permutation(images.TrainCount, device).narrow(0, 0, Math.Min(batch, images.TrainCount));
            foreach (var p in parameters)
            {
                p.grad?.zero_();
            }
            Tensor loss = nn.functional.cross_entropy(model.forward(images.Normalise(images.TrainImages.index_select(0, index))), images.TrainLabels.index_select(0, index));
            loss.backward();
            double sum = 0;
            foreach (var p in parameters)
            {
                if (p.grad is { } grad)
                {
                    sum += grad.to(float64).square().sum().item<double>();
                }
            }
            return sum;
        }
        return Estimate(SquaredNorm, small, big, repeats);
    }
}
