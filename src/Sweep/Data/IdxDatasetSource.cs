using Sweep.Kernel;

namespace Sweep.Data;

/// <summary>
/// MNIST-style data sets stored as four IDX files (gzip or not). Looks in data_dir (and a
/// sub-folder named after the data set, and torchvision's RAW folder), then in system folders,
/// then downloads the official .gz files when download is on.
/// </summary>
internal sealed record IdxDatasetSource(string Name, string Folder, IReadOnlyList<string> SystemDirs, string OfficialUrl,
    IReadOnlyDictionary<string, string> Md5, string HowToGet)
{
    public static readonly string[] Files = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"];

    public static IdxDatasetSource FashionMnist { get; } = new("fashion-mnist", "fashion-mnist", [DatasetLoader.DebianFashionMnistDir],
        "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
        new Dictionary<string, string>
        {
            ["train-images-idx3-ubyte"] = "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
            ["train-labels-idx1-ubyte"] = "25c81989df183df01b3e8a0aad5dffbe",
            ["t10k-images-idx3-ubyte"] = "bef4ecab320f06d8554ea6380940ec79",
            ["t10k-labels-idx1-ubyte"] = "bb300cfdad3c16e7a12a480ee83cd310",
        },
        "install Debian's package with 'sudo apt-get install dataset-fashion-mnist'");

    public static IdxDatasetSource Mnist { get; } = new("mnist", "mnist", [], "https://ossci-datasets.s3.amazonaws.com/mnist/",
        new Dictionary<string, string>
        {
            ["train-images-idx3-ubyte"] = "f68b3c2dcbeaaa9fbdd348bbdeb94873",
            ["train-labels-idx1-ubyte"] = "d53e105ee54ea40749a09fcbcd1e9432",
            ["t10k-images-idx3-ubyte"] = "9fb629c4189551a2d022fa330f9573f3",
            ["t10k-labels-idx1-ubyte"] = "ec29112dd5afa0611ce80d1b7f02629c",
        },
        "put the four official IDX files into data_dir");

    public (ImageSet Train, ImageSet Test) Load(DataRequest request, Func<Downloader> downloader)
    {
        var places = Places(request.DataDir);
        string? found = places.FirstOrDefault(dir => Find(dir, Files[0]) != null);
        if (found == null && request.Download)
        {
            found = Download(request, downloader());
        }
        if (found == null)
        {
            string url = string.IsNullOrEmpty(request.Mirror) ? OfficialUrl : request.Mirror;
            throw new SweepInputException(
                $"{Name} was not found (looked for {Files[0]}[.gz] in {string.Join(", ", places)}); {HowToGet}, or set 'download: true' to fetch the official files from {url} (MD5-checked).");
        }
        return (ReadPair(found, "train"), ReadPair(found, "t10k"));
    }

    private List<string> Places(string dataDir)
    {
        var places = new List<string>();
        if (!string.IsNullOrEmpty(dataDir))
        {
            places.Add(Path.Combine(dataDir, Folder));
            places.Add(Path.Combine(dataDir, Name.ToUpperInvariant(), "raw")); // torchvision's layout
            places.Add(dataDir);
        }
        places.AddRange(SystemDirs);
        return places;
    }

    private string Download(DataRequest request, Downloader downloader)
    {
        string target = Path.Combine(request.DataDir, Folder);
        string baseUrl = string.IsNullOrEmpty(request.Mirror) ? OfficialUrl : request.Mirror.TrimEnd('/') + "/";
        foreach (string file in Files)
        {
            downloader.Fetch(new Uri(new Uri(baseUrl), file + ".gz"), Path.Combine(target, file + ".gz"), Md5[file]);
        }
        return target;
    }

    private static ImageSet ReadPair(string dir, string prefix)
    {
        string images = Find(dir, $"{prefix}-images-idx3-ubyte")
            ?? throw new SweepInputException($"{dir} has no {prefix}-images-idx3-ubyte[.gz]; all four IDX files must be in the same folder.");
        string labels = Find(dir, $"{prefix}-labels-idx1-ubyte")
            ?? throw new SweepInputException($"{dir} has no {prefix}-labels-idx1-ubyte[.gz]; all four IDX files must be in the same folder.");
        var (pixels, count, rows, columns) = IdxFile.ReadImages(images);
        byte[] labelBytes = IdxFile.ReadLabels(labels);
        if (labelBytes.Length != count)
        {
            throw new SweepInputException($"{images} holds {count} images but {labels} holds {labelBytes.Length} labels; the files do not belong together.");
        }
        if (labelBytes.Any(l => l > 9))
        {
            throw new SweepInputException($"{labels} has labels above 9; it is not a 10-class IDX label file.");
        }
        return new ImageSet(pixels, labelBytes, 1, rows, columns);
    }

    private static string? Find(string dir, string stem) =>
        new[] { stem + ".gz", stem }.Select(f => Path.Combine(dir, f)).FirstOrDefault(File.Exists);
}
