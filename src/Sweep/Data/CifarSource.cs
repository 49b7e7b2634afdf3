using Sweep.Kernel;

namespace Sweep.Data;

/// <summary>
/// CIFAR-10 in either layout people have on disk: cifar-10-batches-py (what torchvision leaves)
/// or cifar-10-batches-bin. data_dir may be the folder holding those or one of them; with
/// download on, the official python archive is fetched, MD5-checked and unpacked safely.
/// </summary>
internal static class CifarSource
{
    public const string OfficialUrl = "https://www.cs.toronto.edu/~kriz/";
    public const string Archive = "cifar-10-python.tar.gz";
    public const string ArchiveMd5 = "c58f30108f718f92721af3b95e74349a";

    public static (ImageSet Train, ImageSet Test) Load(DataRequest request, Func<Downloader> downloader)
    {
        var places = new List<string>();
        if (!string.IsNullOrEmpty(request.DataDir))
        {
            places.Add(Path.Combine(request.DataDir, "cifar-10-batches-py"));
            places.Add(Path.Combine(request.DataDir, "cifar-10-batches-bin"));
            places.Add(request.DataDir);
        }
        foreach (string dir in places)
        {
            if (File.Exists(Path.Combine(dir, "data_batch_1")))
            {
                return CifarPickleReader.Load(dir);
            }
            if (File.Exists(Path.Combine(dir, "data_batch_1.bin")))
            {
                return CifarBinaryReader.Load(dir);
            }
        }
        if (request.Download && !string.IsNullOrEmpty(request.DataDir))
        {
            string archive = Path.Combine(request.DataDir, Archive);
            string baseUrl = string.IsNullOrEmpty(request.Mirror) ? OfficialUrl : request.Mirror.TrimEnd('/') + "/";
            downloader().Fetch(new Uri(new Uri(baseUrl), Archive), archive, ArchiveMd5);
            SafeTarExtractor.Extract(archive, request.DataDir);
            return CifarPickleReader.Load(Path.Combine(request.DataDir, "cifar-10-batches-py"));
        }
        string where = places.Count == 0 ? "nowhere: data_dir is not set" : string.Join(", ", places);
        throw new SweepInputException(
            $"CIFAR-10 was not found (looked for cifar-10-batches-py/data_batch_1 and cifar-10-batches-bin/data_batch_1.bin in {where}); set data_dir to the folder that holds cifar-10-batches-py (torchvision's root), or set 'download: true' to fetch {OfficialUrl}{Archive} (MD5-checked).");
    }
}
