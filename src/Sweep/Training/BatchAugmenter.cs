using static TorchSharp.torch;

namespace Sweep.Training;

/// <summary>
/// The blog's augmentation (RandomCrop with 4-pixel zero padding, RandomHorizontalFlip) applied
/// to a whole batch at once on the device, instead of image by image on the host.
/// </summary>
internal static class BatchAugmenter
{
    public const int Padding = 4;

    /// <summary>Returns a randomly cropped and flipped copy of <paramref name="batch"/> (B × C × H × W).</summary>
    public static Tensor Apply(Tensor batch, Generator generator)
    {
        long b = batch.shape[0], c = batch.shape[1], h = batch.shape[2], w = batch.shape[3];
        Device device = batch.device;
        Tensor padded = nn.functional.pad(batch, (Padding, Padding, Padding, Padding));

        // Each image gets its own offset; gather rows, then columns, from the padded batch.
        Tensor top = randint(0, 2 * Padding + 1, [b], dtype: int64, device: device, generator: generator);
        Tensor left = randint(0, 2 * Padding + 1, [b], dtype: int64, device: device, generator: generator);
        Tensor rows = (top.view(b, 1) + arange(h, dtype: int64, device: device)).view(b, 1, h, 1).expand(b, c, h, w + 2 * Padding);
        Tensor cropped = padded.gather(2, rows);
        Tensor columns = (left.view(b, 1) + arange(w, dtype: int64, device: device)).view(b, 1, 1, w).expand(b, c, h, w);
        cropped = cropped.gather(3, columns);

        Tensor flip = rand([b], device: device, generator: generator).lt(0.5).view(b, 1, 1, 1);
        return where(flip, cropped.flip(3), cropped);
    }
}
