namespace Sweep.Data;

/// <summary>
/// The embedded default data set: a deterministic, class-balanced subset of Fashion-MNIST
/// (the first 600 training and 100 test images of each class, in file order, interleaved by
/// class). It ships inside the app so a first sweep works offline. Re-created and checked by
/// <see cref="Build"/> and the test FashionMnistMiniTests.
/// </summary>
internal static class FashionMnistMini
{
    public const int TrainPerClass = 600;
    public const int TestPerClass = 100;
    private const string ResourcePrefix = "fashion-mnist-mini/";

    public static (ImageSet Train, ImageSet Test) Load() => (Read("train"), Read("t10k"));

    /// <summary>Builds the subset from a full Fashion-MNIST pair.</summary>
    public static (ImageSet Train, ImageSet Test) Build(ImageSet fullTrain, ImageSet fullTest) =>
        (Subset(fullTrain, TrainPerClass), Subset(fullTest, TestPerClass));

    /// <summary>Writes the subset as the four gzip IDX files that are embedded in the app.</summary>
    public static void Write(ImageSet train, ImageSet test, string dir)
    {
        Directory.CreateDirectory(dir);
        foreach (var (prefix, set) in new[] { ("train", train), ("t10k", test) })
        {
            WriteGzip(Path.Combine(dir, $"{prefix}-images-idx3-ubyte.gz"), s => IdxFile.WriteImages(s, set.Pixels, set.Count, set.Height, set.Width));
            WriteGzip(Path.Combine(dir, $"{prefix}-labels-idx1-ubyte.gz"), s => IdxFile.WriteLabels(s, set.Labels));
        }
    }

    private static ImageSet Subset(ImageSet full, int perClass)
    {
        var taken = new int[10];
        var chosen = new List<int>();
        for (int i = 0; i < full.Count; i++)
        {
            if (taken[full.Labels[i]]++ < perClass)
            {
                chosen.Add(i);
            }
        }
        var pixels = new byte[chosen.Count * full.ImageBytes];
        var labels = new byte[chosen.Count];
        for (int i = 0; i < chosen.Count; i++)
        {
            Array.Copy(full.Pixels, (long)chosen[i] * full.ImageBytes, pixels, (long)i * full.ImageBytes, full.ImageBytes);
            labels[i] = full.Labels[chosen[i]];
        }
        return new ImageSet(pixels, labels, full.Channels, full.Height, full.Width).InClassBalancedOrder();
    }

    private static ImageSet Read(string prefix)
    {
        byte[] images = ReadResource($"{prefix}-images-idx3-ubyte.gz");
        byte[] labels = ReadResource($"{prefix}-labels-idx1-ubyte.gz");
        int rows = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(images.AsSpan(8));
        int columns = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(images.AsSpan(12));
        return new ImageSet(images[16..], labels[8..], 1, rows, columns);
    }

    private static byte[] ReadResource(string name)
    {
        using Stream stream = typeof(FashionMnistMini).Assembly.GetManifestResourceStream(ResourcePrefix + name)
            ?? throw new InvalidOperationException($"The embedded resource {name} is missing from the build.");
        return IdxFile.ReadMaybeGzip(stream);
    }

    private static void WriteGzip(string path, Action<Stream> write)
    {
        using FileStream file = File.Create(path);
        using var gzip = new System.IO.Compression.GZipStream(file, System.IO.Compression.CompressionLevel.SmallestSize);
        write(gzip);
    }
}
