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
        ["mnist"] = new("mnist", "MNIST", 1, 28, 28, 10, 60000, 10000, [0.1307f], [0.3081f]),
        ["cifar10"] = new("cifar10", "CIFAR-10", 3, 32, 32, 10, 50000, 10000, [0.4914f, 0.4822f, 0.4465f], [0.2470f, 0.2435f, 0.2616f]),
    };

    public static IReadOnlyList<string> Names { get; } = Known.Keys.ToList();

    public static DatasetInfo Describe(string name) => Known[name];

    /// <summary>Loads a data set, its images in class-balanced order, cut to the requested sizes.</summary>
    public static DatasetPair Load(string name, string? dataDir, int? trainSize, int? testSize) =>
        Load(new DataRequest(name, dataDir ?? "", trainSize, testSize));

    public static DatasetPair Load(DataRequest request) => Load(request, Downloader.CreateDefault);

    public static DatasetPair Load(DataRequest request, Func<Downloader> downloader)
    {
        DatasetInfo info = Describe(request.Dataset);
        (ImageSet train, ImageSet test) = request.Dataset switch
        {
            "fashion-mnist-mini" => FashionMnistMini.Load(),
            "fashion-mnist" => IdxDatasetSource.FashionMnist.Load(request, downloader),
            "mnist" => IdxDatasetSource.Mnist.Load(request, downloader),
            "cifar10" => CifarSource.Load(request, downloader),
            _ => throw new SweepInputException($"Unknown data set '{request.Dataset}'; known: {string.Join(", ", Names)}."),
        };
        if ((train.Channels, train.Height, train.Width) != (info.Channels, info.Height, info.Width))
        {
            throw new SweepInputException($"The {request.Dataset} files hold {train.Channels}×{train.Height}×{train.Width} images, not {info.Channels}×{info.Height}×{info.Width}; check data_dir.");
        }
        if (request.Dataset != "fashion-mnist-mini")
        {
            // The mini set is stored in this order already.
            train = train.InClassBalancedOrder();
            test = test.InClassBalancedOrder();
        }
        return new DatasetPair(info with { TrainCount = train.Count, TestCount = test.Count }, train.Take(request.TrainSize), test.Take(request.TestSize));
    }
}
