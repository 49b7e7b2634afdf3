using Sweep.Kernel;

namespace Sweep.Data;

/// <summary>Loads the data set a run names from wherever its files are.</summary>
internal static class DatasetLoader
{
    /// <summary>Where Debian's dataset-fashion-mnist package puts the files.</summary>
    public const string DebianFashionMnistDir = "/usr/share/datasets/fashion-mnist";

    /// <summary>Loads a data set, its images in class-balanced order, cut to the requested sizes.</summary>
    public static DatasetPair Load(string name, string? dataDir, int? trainSize, int? testSize) =>
        Load(new DataRequest(name, dataDir ?? "", trainSize, testSize));

    /// <param name="note">Told what takes a while (decoding an image folder) and how long it took.</param>
    public static DatasetPair Load(DataRequest request, Action<string>? note = null) => Load(request, Downloader.CreateDefault, note);

    public static DatasetPair Load(DataRequest request, Func<Downloader> downloader, Action<string>? note = null)
    {
        DatasetInfo info = KnownDatasets.Describe(request.Dataset);
        if (request.Dataset == KnownDatasets.ImageFolder)
        {
            var folder = ImageFolderSource.Load(request, note ?? (_ => { }));
            return Cut(request, folder.Info, folder.Train.InClassBalancedOrder(), folder.Test.InClassBalancedOrder());
        }
        (ImageSet train, ImageSet test) = request.Dataset switch
        {
            "fashion-mnist-mini" => FashionMnistMini.Load(),
            "fashion-mnist" => IdxDatasetSource.FashionMnist.Load(request, downloader),
            "mnist" => IdxDatasetSource.Mnist.Load(request, downloader),
            "cifar10" => CifarSource.Load(request, downloader),
            _ => throw new SweepInputException($"Unknown data set '{request.Dataset}'; known: {string.Join(", ", KnownDatasets.Names)}."),
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
        return Cut(request, info, train, test);
    }

    /// <summary>
    /// Cuts the sets to the requested sizes. A validation set is the first validation_size images of
    /// the training set's class-balanced order (balanced, and the same for every run and seed, so
    /// every run is judged on the same images); training takes train_size of the images after it.
    /// </summary>
    private static DatasetPair Cut(DataRequest request, DatasetInfo info, ImageSet train, ImageSet test)
    {
        info = info with { TrainCount = train.Count, TestCount = test.Count };
        if (request.ValidationSize is not { } validation)
        {
            return new(info, train.Take(request.TrainSize), test.Take(request.TestSize));
        }
        if (validation >= train.Count)
        {
            throw new SweepInputException(
                $"validation_size {validation} leaves no training images: {request.Dataset} has {train.Count} training images; hold out fewer (a tenth is common).");
        }
        return new(info, train.Skip(validation).Take(request.TrainSize), test.Take(request.TestSize), train.Take(validation));
    }
}
