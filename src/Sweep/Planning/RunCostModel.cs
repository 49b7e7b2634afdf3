using Sweep.Kernel;
using Sweep.Spec;

namespace Sweep.Planning;

/// <summary>Measured training speed of one data set, model and batch size (from earlier epochs).</summary>
internal sealed record MeasuredSpeed(string Dataset, string Model, long BatchSize, double ImagesPerSecond);

/// <summary>
/// The one model of what a run costs, used by the preview (time left), the shard planner
/// (balancing) and the fusion packer (memory per slice).
/// </summary>
internal static class RunCostModel
{
    /// <summary>Training images per epoch: train_size, never more than the data set has.</summary>
    public static int TrainImages(RunConfig c) => KnownDatasets.TrainImages(c.Dataset, c.TrainSize, c.ValidationSize);

    /// <summary>Relative cost: images trained × a per-model weight, with small batches paying per-step overhead.</summary>
    public static double RelativeCost(RunConfig c)
    {
        DatasetInfo info = PlannedShape(c);
        double images = (double)c.Epochs * TrainImages(c);
        double model = c.ModelKind.ComputeWeight * info.Channels * info.Height * info.Width / 784.0;
        double overhead = 1 + 16.0 / c.BatchSize;
        return images * model * overhead;
    }

    /// <summary>Training time from earlier epochs of the same data set and model, same batch size if possible.</summary>
    public static TimeSpan? Estimate(RunConfig c, IReadOnlyList<MeasuredSpeed> speeds)
    {
        var sameModel = speeds.Where(s => s.Dataset == c.Dataset && s.Model == c.Model).ToList();
        MeasuredSpeed? exact = sameModel.FirstOrDefault(s => s.BatchSize == c.BatchSize);
        double? ips = exact?.ImagesPerSecond ?? (sameModel.Count > 0 ? sameModel.Average(s => s.ImagesPerSecond) : null);
        if (c.Dataset == KnownDatasets.ImageFolder && c.TrainSize == null)
        {
            return null; // how many images the folder holds is known only once it is read
        }
        return ips is > 0 ? TimeSpan.FromSeconds(c.Epochs * TrainImages(c) / ips.Value) : null;
    }

    /// <summary>Bytes one slice of a fused pack needs: weights, gradients and two optimizer state tensors, plus activations.</summary>
    public static double FusedSliceBytes(RunConfig c)
    {
        DatasetInfo info = PlannedShape(c);
        double parameters = c.ModelKind.Parameters(c, info);
        double activations = c.BatchSize * info.Height * info.Width * c.ModelKind.ActivationsPerPixel(c) * 3;
        return (parameters * 4 + activations) * sizeof(float);
    }

    /// <summary>The data set's shape as far as planning knows it: an image folder's from its size settings (64 when automatic).</summary>
    private static DatasetInfo PlannedShape(RunConfig c)
    {
        DatasetInfo info = KnownDatasets.Describe(c.Dataset);
        return c.Dataset == KnownDatasets.ImageFolder
            ? info with { Channels = c.ImageChannels, Height = c.ImageSize ?? info.Height, Width = c.ImageSize ?? info.Width }
            : info;
    }
}
