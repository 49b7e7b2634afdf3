using Sweep.Training;
using static TorchSharp.torch;

namespace Sweep.Tests.Training;

public sealed class BatchAugmenterTests
{
    [Test]
    public void Crops_are_shifted_windows_of_the_zero_padded_image()
    {
        using var scope = NewDisposeScope();
        using var random = new EpochRandom(7);
        // Image b holds the values 1..H*W so each output pixel tells where it came from.
        Tensor image = arange(1, 8 * 8 + 1, dtype: float32).view(1, 1, 8, 8);
        Tensor batch = image.expand(64, 2, 8, 8).contiguous();

        Tensor output = BatchAugmenter.Apply(batch, random);

        Assert.That(output.shape, Is.EqualTo(new long[] { 64, 2, 8, 8 }));
        Assert.That(Same(output.select(1, 0), output.select(1, 1)), Is.True, "channels share one crop");
        var original = image.view(8, 8);
        int distinct = 0;
        var seen = new HashSet<string>();
        for (int b = 0; b < 64; b++)
        {
            Tensor o = output[b, 0];
            // Undo a possible flip, then every non-zero pixel must sit at a constant offset from its source.
            Tensor candidate = o.index_select(1, tensor(Enumerable.Range(0, 8).Reverse().Select(i => (long)i).ToArray()));
            Assert.That(IsShiftedWindow(o, original) || IsShiftedWindow(candidate, original), Is.True, $"image {b} is not a padded crop");
            if (seen.Add(string.Join(",", o.data<float>().ToArray())))
            {
                distinct++;
            }
        }
        Assert.That(distinct, Is.GreaterThan(10), "offsets and flips vary between images");
    }

    [Test]
    public void The_same_seed_gives_the_same_augmentation()
    {
        using var scope = NewDisposeScope();
        Tensor batch = rand(16, 1, 12, 12);
        using var g1 = new EpochRandom(3);
        using var g2 = new EpochRandom(3);

        Assert.That(Same(BatchAugmenter.Apply(batch, g1), BatchAugmenter.Apply(batch, g2)), Is.True);
    }

    private static bool Same(Tensor a, Tensor b) => a.eq(b).all().item<bool>();

    private static bool IsShiftedWindow(Tensor output, Tensor original)
    {
        float[] o = output.contiguous().data<float>().ToArray();
        for (int dy = -4; dy <= 4; dy++)
        {
            for (int dx = -4; dx <= 4; dx++)
            {
                bool all = true;
                for (int y = 0; y < 8 && all; y++)
                {
                    for (int x = 0; x < 8 && all; x++)
                    {
                        int sy = y + dy, sx = x + dx;
                        float expected = sy is >= 0 and < 8 && sx is >= 0 and < 8 ? original[sy, sx].item<float>() : 0f;
                        all = o[y * 8 + x] == expected;
                    }
                }
                if (all)
                {
                    return true;
                }
            }
        }
        return false;
    }
}
