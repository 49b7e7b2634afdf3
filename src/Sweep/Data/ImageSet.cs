using Sweep.Kernel;

namespace Sweep.Data;

/// <summary>Images as raw bytes (N × C × H × W, channel planes) with one label byte each.</summary>
internal sealed record ImageSet(byte[] Pixels, byte[] Labels, int Channels, int Height, int Width)
{
    public int Count => Labels.Length;

    public int ImageBytes => Channels * Height * Width;

    /// <summary>The first <paramref name="count"/> images (all when null or larger).</summary>
    public ImageSet Take(int? count)
    {
        if (count is not { } n || n >= Count)
        {
            return this;
        }
        return this with { Pixels = Pixels[..(n * ImageBytes)], Labels = Labels[..n] };
    }

    /// <summary>The images after the first <paramref name="count"/>.</summary>
    public ImageSet Skip(int count) => count <= 0 ? this
        : this with { Pixels = Pixels[(Math.Min(count, Count) * ImageBytes)..], Labels = Labels[Math.Min(count, Count)..] };

    /// <summary>Reorders images so classes alternate (0,1,…,9,0,1,…), keeping file order within a class.</summary>
    public ImageSet InClassBalancedOrder()
    {
        int[] order = ClassBalancedOrder.Of(Labels);
        var pixels = new byte[Pixels.Length];
        var labels = new byte[Labels.Length];
        for (int i = 0; i < order.Length; i++)
        {
            Array.Copy(Pixels, (long)order[i] * ImageBytes, pixels, (long)i * ImageBytes, ImageBytes);
            labels[i] = Labels[order[i]];
        }
        return this with { Pixels = pixels, Labels = labels };
    }
}

/// <summary>A training and a test set of one data set, and the validation set held out of the training images when asked for.</summary>
internal sealed record DatasetPair(DatasetInfo Info, ImageSet Train, ImageSet Test, ImageSet? Validation = null);
