using System.Diagnostics;
using System.Globalization;
using Sweep.Kernel;

namespace Sweep.Data;

/// <summary>
/// The user's own images (dataset: imagefolder): scanned and checked, then decoded once in
/// parallel into the same byte planes the other data sets use, or read from the cache of an
/// earlier decode. Normalisation is each channel's mean and standard deviation over the
/// training split.
/// </summary>
internal static class ImageFolderSource
{
    public static (ImageSet Train, ImageSet Test, DatasetInfo Info) Load(DataRequest request, Action<string> note)
    {
        ImageFolderLayout layout = ImageFolderLayout.Scan(request.DataDir);
        int channels = request.ImageChannels;
        int side = request.ImageSize ?? AutomaticSide(layout);
        CheckFitsInMemory(layout, side, channels);

        string cachePath = ImageFolderCache.PathFor(layout, side, channels);
        byte[] key = ImageFolderCache.KeyOf(layout, side, channels);
        (ImageSet Train, ImageSet Test)? cached = ImageFolderCache.TryRead(cachePath, key, side, channels, out string? whyNot);
        ImageSet train, test;
        if (cached is { } hit)
        {
            (train, test) = hit;
            note($"image folder {layout.Root}: {train.Count} + {test.Count} images read from the decode cache {cachePath}");
        }
        else
        {
            var clock = Stopwatch.StartNew();
            note($"image folder {layout.Root}: decoding {layout.Train.Count} + {layout.Test.Count} images to {side}×{side}×{channels}"
                + (whyNot != null ? $" (the cache was not used: {whyNot})" : ""));
            train = Decode(layout, layout.Train, side, channels);
            test = Decode(layout, layout.Test, side, channels);
            note(string.Create(CultureInfo.InvariantCulture,
                $"image folder {layout.Root}: decoded in {clock.Elapsed.TotalSeconds:0.0} s ({(train.Count + test.Count) / Math.Max(clock.Elapsed.TotalSeconds, 1e-3):0} images/s)"));
            TryWriteCache(cachePath, key, train, test, note);
        }
        (float[] mean, float[] std) = ChannelStatistics(train);
        var info = new DatasetInfo(KnownDatasets.ImageFolder, $"image folder {Path.GetFileName(Path.TrimEndingDirectorySeparator(layout.Root))}",
            channels, side, side, layout.Classes.Count, train.Count, test.Count, mean, std);
        return (train, test, info);
    }

    /// <summary>The first training image's shorter side, as the default of image_size.</summary>
    private static int AutomaticSide(ImageFolderLayout layout)
    {
        LabelledFile first = layout.Train[0];
        (int width, int height, string? problem) = ImageDecoder.SizeOf(first.Path);
        if (problem != null)
        {
            throw new SweepInputException($"'{first.Path}' {problem}; remove or replace it (bad images are found before training).");
        }
        int side = Math.Min(width, height);
        return side is >= 4 and <= 1024 ? side
            : throw new SweepInputException($"the first training image '{first.Path}' is {width}×{height}, so image_size would be {side}; set image_size to a side from 4 to 1024.");
    }

    private static void CheckFitsInMemory(ImageFolderLayout layout, int side, int channels)
    {
        long imageBytes = (long)channels * side * side;
        foreach (var (split, count) in new[] { ("train", layout.Train.Count), (layout.TestSplit, layout.Test.Count) })
        {
            if (count * imageBytes > Array.MaxLength)
            {
                throw new SweepInputException(string.Create(CultureInfo.InvariantCulture,
                    $"the {split} split of '{layout.Root}' ({count} images at {side}×{side}×{channels}) would take {count * imageBytes / 1073741824.0:0.0} GiB, more than the 2 GiB Sweep holds per split; set a smaller image_size or image_channels: 1."));
            }
        }
    }

    private static ImageSet Decode(ImageFolderLayout layout, IReadOnlyList<LabelledFile> files, int side, int channels)
    {
        int imageBytes = channels * side * side;
        var pixels = new byte[(long)files.Count * imageBytes];
        var problems = new string?[files.Count];
        Parallel.For(0, files.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            try
            {
                problems[i] = ImageDecoder.DecodeInto(files[i].Path, side, channels, pixels.AsSpan(i * imageBytes, imageBytes));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                problems[i] = $"could not be read ({ex.Message.TrimEnd('.')})";
            }
        });
        // The first bad file in folder order, whichever thread found it: the same message every time.
        int bad = Array.FindIndex(problems, p => p != null);
        if (bad >= 0)
        {
            int more = problems.Count(p => p != null) - 1;
            throw new SweepInputException($"'{files[bad].Path}' {problems[bad]}; remove or replace it"
                + (more > 0 ? $" ({more} more image{(more == 1 ? "" : "s")} of '{layout.Root}' did not decode either)." : "."));
        }
        return new ImageSet(pixels, files.Select(f => (byte)f.Label).ToArray(), channels, side, side);
    }

    private static void TryWriteCache(string path, byte[] key, ImageSet train, ImageSet test, Action<string> note)
    {
        try
        {
            ImageFolderCache.Write(path, key, train, test);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A read-only data folder still trains; it only decodes again next time.
            note($"the decode cache could not be written to {path} ({ex.Message.TrimEnd('.')}); the next run decodes again");
        }
    }

    /// <summary>Each channel's mean and standard deviation over the training split, on the 0–1 scale.</summary>
    private static (float[] Mean, float[] Std) ChannelStatistics(ImageSet train)
    {
        int area = train.Height * train.Width;
        var mean = new float[train.Channels];
        var std = new float[train.Channels];
        for (int c = 0; c < train.Channels; c++)
        {
            long sum = 0, squares = 0; // integer sums: exact, and several times faster than a chain of double adds
            for (int n = 0; n < train.Count; n++)
            {
                foreach (byte b in train.Pixels.AsSpan(n * train.ImageBytes + c * area, area))
                {
                    sum += b;
                    squares += b * b;
                }
            }
            double count = (double)train.Count * area, m = sum / count / 255.0;
            double variance = Math.Max(0, squares / count / (255.0 * 255.0) - m * m);
            mean[c] = (float)m;
            // A channel without variation (all one colour) would divide by zero; it is only shifted then.
            std[c] = variance > 1e-12 ? (float)Math.Sqrt(variance) : 1f;
        }
        return (mean, std);
    }
}
