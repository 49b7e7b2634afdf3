namespace Sweep.Kernel;

/// <summary>The data sets a sweep can name and what each looks like, known before any file is read.</summary>
internal static class KnownDatasets
{
    public const string DefaultName = "fashion-mnist-mini";

    /// <summary>The user's own images in torchvision's ImageFolder layout; its shape and size are known only from its files.</summary>
    public const string ImageFolder = "imagefolder";

    private static readonly float[] FashionMean = [0.2860f];
    private static readonly float[] FashionStd = [0.3530f];

    private static readonly Dictionary<string, DatasetInfo> Known = new(StringComparer.Ordinal)
    {
        ["fashion-mnist-mini"] = new("fashion-mnist-mini", "Fashion-MNIST mini (6,000 / 1,000 images)", 1, 28, 28, 10, 6000, 1000, FashionMean, FashionStd),
        ["fashion-mnist"] = new("fashion-mnist", "Fashion-MNIST", 1, 28, 28, 10, 60000, 10000, FashionMean, FashionStd),
        ["mnist"] = new("mnist", "MNIST", 1, 28, 28, 10, 60000, 10000, [0.1307f], [0.3081f]),
        ["cifar10"] = new("cifar10", "CIFAR-10", 3, 32, 32, 10, 50000, 10000, [0.4914f, 0.4822f, 0.4465f], [0.2470f, 0.2435f, 0.2616f]),
        // A placeholder until the files are read: the loader replaces every field.
        [ImageFolder] = new(ImageFolder, "image folder", 3, 64, 64, 0, 0, 0, [], []),
    };

    public static IReadOnlyList<string> Names { get; } = Known.Keys.ToList();

    public static DatasetInfo Describe(string name) => Known[name];

    /// <summary>The title people know a data set by, or its name when it is not one of ours.</summary>
    public static string Title(string name) => Known.TryGetValue(name, out DatasetInfo? info) ? info.Title : name;

    /// <summary>What planning assumes an image folder holds when train_size does not say: only relative costs use it.</summary>
    public const int ImageFolderPlaceholderCount = 1000;

    /// <summary>Training images a run uses: train_size, but never more than the data set has after the validation images.</summary>
    public static int TrainImages(string dataset, int? trainSize, int? validationSize = null)
    {
        int all = dataset == ImageFolder ? trainSize ?? ImageFolderPlaceholderCount : Math.Max(0, Describe(dataset).TrainCount - (validationSize ?? 0));
        return Math.Min(trainSize ?? all, all);
    }
}
