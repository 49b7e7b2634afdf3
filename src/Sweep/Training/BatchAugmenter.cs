using static TorchSharp.torch;

namespace Sweep.Training;

/// <summary>
/// The blog's augmentation (RandomCrop with 4-pixel zero padding, RandomHorizontalFlip) applied
/// to a whole batch at once on the device, instead of image by image on the host.
/// </summary>
internal static class BatchAugmenter
{
    public const int Padding = 4;

    /// <summary>
    /// Returns a randomly cropped and flipped copy of <paramref name="batch"/> (B × C × H × W, any
    /// dtype: the trainer passes uint8, a quarter of the memory traffic of float).
    /// </summary>
    public static Tensor Apply(Tensor batch, EpochRandom random)
    {
        long b = batch.shape[0], c = batch.shape[1], h = batch.shape[2], w = batch.shape[3];
        Device device = batch.device;
        Tensor padded = nn.functional.pad(batch, (Padding, Padding, Padding, Padding));

        // Each image gets its own offset; gather rows, then columns, from the padded batch.
        Tensor top = random.Integers(2 * Padding + 1, b, device);
        Tensor left = random.Integers(2 * Padding + 1, b, device);
        Tensor rows = (top.view(b, 1) + arange(h, dtype: int64, device: device)).view(b, 1, h, 1).expand(b, c, h, w + 2 * Padding);
        Tensor cropped = padded.gather(2, rows);
        // The flip rides on the column gather: a flipped image reads its window right to left.
        Tensor flip = random.Uniform(b, device).lt(0.5).view(b, 1);
        Tensor step = arange(w, dtype: int64, device: device).view(1, w);
        Tensor offsets = where(flip, (w - 1) - step, step);
        Tensor columns = (left.view(b, 1) + offsets).view(b, 1, 1, w).expand(b, c, h, w);
        return cropped.gather(3, columns);
    }
}
