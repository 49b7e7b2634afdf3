using Sweep.Configuration;

namespace Sweep.Data;

/// <summary>The data sets a sweep can name, and where each one's files are looked for.</summary>
internal static class DatasetCatalog
{
    public const string DefaultName = "fashion-mnist-mini";

    /// <summary>Where Debian's dataset-fashion-mnist package puts the files.</summary>
    public const string DebianFashionMnistDir = "/usr/share/datasets/fashion-mnist";

    private static readonly float[] FashionMean = [0.2860f];
    private static readonly float[] FashionStd = [0.3530f];

    private static readonly Dictionary<string, DatasetInfo> Known = new(StringComparer.Ordinal)
    {
        ["fashion-mnist-mini"] = new("fashion-mnist-mini", "Fashion-MNIST mini (6,000 / 1,000 images)", 1, 28, 28, 10, 6000, 1000, FashionMean, FashionStd),
        ["fashion-mnist"] = new("fashion-mnist", "Fashion-MNIST", 1, 28, 28, 10, 60000, 10000, FashionMean, FashionStd),
        ["cifar10"] = new("cifar10", "CIFAR-10", 3, 32, 32, 10, 50000, 10000, [0.4914f, 0.4822f, 0.4465f], [0.2470f, 0.2435f, 0.2616f]),
    };

    public static IReadOnlyList<string> Names { get; } = Known.Keys.ToList();

    public static DatasetInfo Describe(string name) => Known[name];

    /// <summary>Loads a data set, its images in class-balanced order, cut to the requested sizes.</summary>
    public static DatasetPair Load(string name, string? dataDir, int? trainSize, int? testSize)
    {
        DatasetInfo info = Describe(name);
        (ImageSet train, ImageSet test) = name switch
        {
            "fashion-mnist-mini" => FashionMnistMini.Load(),
            "fashion-mnist" => LoadFashionMnist(dataDir),
            "cifar10" => CifarBinaryReader.Load(FindCifar(dataDir)),
            _ => throw new SweepInputException($"Unknown data set '{name}'; known: {string.Join(", ", Names)}."),
        };
        if (name != "fashion-mnist-mini")
        {
            // The mini set is stored in this order already.
            train = train.InClassBalancedOrder();
            test = test.InClassBalancedOrder();
        }
        return new DatasetPair(info with { TrainCount = train.Count, TestCount = test.Count }, train.Take(trainSize), test.Take(testSize));
    }

    private static (ImageSet, ImageSet) LoadFashionMnist(string? dataDir)
    {
        var places = new List<string>();
        if (!string.IsNullOrEmpty(dataDir))
        {
            places.Add(Path.Combine(dataDir, "fashion-mnist"));
            places.Add(dataDir);
        }
        places.Add(DebianFashionMnistDir);
        foreach (string dir in places)
        {
            string? trainImages = FindIdx(dir, "train-images-idx3-ubyte");
            if (trainImages == null)
            {
                continue;
            }
            return (ReadIdxPair(dir, "train"), ReadIdxPair(dir, "t10k"));
        }
        throw new SweepInputException(
            $"Fashion-MNIST was not found (looked for train-images-idx3-ubyte[.gz] in {string.Join(", ", places)}); install it with 'sudo apt-get install dataset-fashion-mnist' or put the four official IDX files into data_dir.");
    }

    private static ImageSet ReadIdxPair(string dir, string prefix)
    {
        string images = FindIdx(dir, $"{prefix}-images-idx3-ubyte")
            ?? throw new SweepInputException($"{dir} has no {prefix}-images-idx3-ubyte[.gz]; all four IDX files must be in the same folder.");
        string labels = FindIdx(dir, $"{prefix}-labels-idx1-ubyte")
            ?? throw new SweepInputException($"{dir} has no {prefix}-labels-idx1-ubyte[.gz]; all four IDX files must be in the same folder.");
        var (pixels, count, rows, columns) = IdxFile.ReadImages(images);
        byte[] labelBytes = IdxFile.ReadLabels(labels);
        if (labelBytes.Length != count)
        {
            throw new SweepInputException($"{images} holds {count} images but {labels} holds {labelBytes.Length} labels; the files do not belong together.");
        }
        return new ImageSet(pixels, labelBytes, 1, rows, columns);
    }

    private static string? FindIdx(string dir, string stem) =>
        new[] { stem + ".gz", stem }.Select(f => Path.Combine(dir, f)).FirstOrDefault(File.Exists);

    private static string FindCifar(string? dataDir)
    {
        var places = new List<string>();
        if (!string.IsNullOrEmpty(dataDir))
        {
            places.Add(Path.Combine(dataDir, "cifar-10-batches-bin"));
            places.Add(dataDir);
        }
        string? found = places.FirstOrDefault(d => File.Exists(Path.Combine(d, "data_batch_1.bin")));
        return found ?? throw new SweepInputException(
            $"CIFAR-10 was not found (looked for cifar-10-batches-bin/data_batch_1.bin in {(places.Count == 0 ? "no folder: data_dir is not set" : string.Join(", ", places))}); download the binary version from https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz, unpack it and set data_dir to the folder that holds cifar-10-batches-bin.");
    }
}
