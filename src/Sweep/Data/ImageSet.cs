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

/// <summary>A training and a test set of one data set.</summary>
internal sealed record DatasetPair(DatasetInfo Info, ImageSet Train, ImageSet Test);
