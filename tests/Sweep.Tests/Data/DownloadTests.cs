using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using Sweep.Data;
using Sweep.Kernel;
using Sweep.Tests.Support;

namespace Sweep.Tests.Data;

public sealed class DownloadTests
{
    private static string Md5(byte[] bytes) => Convert.ToHexStringLower(MD5.HashData(bytes));

    [Test]
    public void A_download_is_kept_only_when_its_checksum_matches()
    {
        using var dir = new TempDir();
        byte[] body = "the real data"u8.ToArray();
        using var server = new LocalHttpServer(new() { ["file.gz"] = body });
        var downloader = new Downloader(new HttpClient());

        downloader.Fetch(new Uri(server.BaseUrl + "file.gz"), dir.File("ok/file.gz"), Md5(body));
        Assert.That(File.ReadAllBytes(dir.File("ok/file.gz")), Is.EqualTo(body));

        var error = Assert.Throws<SweepInputException>(() =>
            downloader.Fetch(new Uri(server.BaseUrl + "file.gz"), dir.File("bad/file.gz"), "00000000000000000000000000000000"))!;
        Assert.That(error.Message, Does.Contain($"has MD5 {Md5(body)}, not the expected 00000000000000000000000000000000; it was deleted"));
        Assert.That(Directory.GetFiles(dir.File("bad")), Is.Empty, "no half-written or unverified file is left");

        var missing = Assert.Throws<SweepInputException>(() =>
            downloader.Fetch(new Uri(server.BaseUrl + "nope.gz"), dir.File("bad/nope.gz"), Md5(body)))!;
        Assert.That(missing.Message, Does.Contain("Could not download").And.Contain("404"));
    }

    [Test]
    public void Mnist_download_through_a_mirror_checks_every_file()
    {
        using var dir = new TempDir();
        // A mirror serving files that are not the official bytes: the first checksum fails.
        using var server = new LocalHttpServer(new() { ["train-images-idx3-ubyte.gz"] = [1, 2, 3] });
        var request = new DataRequest("mnist", dir.File("data"), null, null, Download: true, Mirror: server.BaseUrl);

        var error = Assert.Throws<SweepInputException>(() => DatasetLoader.Load(request, () => new Downloader(new HttpClient())))!;

        Assert.That(error.Message, Does.Contain("not the expected f68b3c2dcbeaaa9fbdd348bbdeb94873"));
        Assert.That(Directory.GetFiles(dir.File("data"), "*", SearchOption.AllDirectories), Is.Empty);
    }

    [Test]
    public void A_cifar_archive_with_the_wrong_checksum_is_refused_by_the_CLI_with_exit_2()
    {
        using var dir = new TempDir();
        using var server = new LocalHttpServer(new() { ["cifar-10-python.tar.gz"] = Tgz(("cifar-10-batches-py/data_batch_1", [1])) });
        dir.Write("s.yaml", $"dataset: cifar10\ndownload: true\nmirror: {server.BaseUrl}\ngrid:\n  lr: [0.1]\n");

        CliResult result = SweepCli.Run(dir.Path, "sweep", "s.yaml");

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Stderr, Does.Contain("not the expected c58f30108f718f92721af3b95e74349a"));
        Assert.That(Directory.GetFiles(dir.Path, "*", SearchOption.AllDirectories).Select(Path.GetFileName), Is.EqualTo(new[] { "s.yaml" }));
        Assert.That(server.Requests, Is.EqualTo(1));
    }

    [TestCase("../evil.txt")]
    [TestCase("/tmp/sweep-evil-absolute.txt")]
    [TestCase("cifar-10-batches-py/../../evil.txt")]
    public void Archive_entries_that_escape_the_target_are_refused_before_anything_is_written(string name)
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("a.tar.gz"), Tgz(("cifar-10-batches-py/fine.txt", [1]), (name, [2])));

        var error = Assert.Throws<SweepInputException>(() => SafeTarExtractor.Extract(dir.File("a.tar.gz"), dir.File("target")))!;

        Assert.That(error.Message, Does.Contain("would be written outside"));
        Assert.That(Directory.Exists(dir.File("target")), Is.False, "nothing is unpacked from a bad archive");
        Assert.That(File.Exists(dir.File("evil.txt")) || File.Exists("/tmp/sweep-evil-absolute.txt"), Is.False);
    }

    [TestCase(TarEntryType.SymbolicLink, "cifar-10-batches-py/passwd", "../../../etc/passwd")]
    [TestCase(TarEntryType.SymbolicLink, "cifar-10-batches-py/here", ".")]
    [TestCase(TarEntryType.HardLink, "cifar-10-batches-py/data_batch_1", "cifar-10-batches-py/fine")]
    public void Every_link_is_refused_before_anything_is_written(TarEntryType type, string name, string target)
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("link.tar.gz"), Tgz(links: [(type, name, target)]));

        var error = Assert.Throws<SweepInputException>(() => SafeTarExtractor.Extract(dir.File("link.tar.gz"), dir.File("t1")))!;

        Assert.That(error.Message, Does.Contain("the official data archives hold no links"));
        Assert.That(Directory.Exists(dir.File("t1")), Is.False);
    }

    [Test]
    public void A_chain_of_links_that_looks_inside_at_each_step_is_refused()
    {
        // "a" → "." and "b" → "a/../..": each target looks harmless as text; together they leave the folder.
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("chain.tar.gz"), Tgz(links: [(TarEntryType.SymbolicLink, "x/a", "."), (TarEntryType.SymbolicLink, "x/b", "a/../.."), (TarEntryType.RegularFile, "x/b/evil", "")]));

        Assert.Throws<SweepInputException>(() => SafeTarExtractor.Extract(dir.File("chain.tar.gz"), dir.File("t1")));
        Assert.That(Directory.Exists(dir.File("t1")) || File.Exists(dir.File("evil")), Is.False);
    }

    [Test]
    public void A_clean_archive_unpacks()
    {
        using var dir = new TempDir();

        File.WriteAllBytes(dir.File("ok.tar.gz"), Tgz(("cifar-10-batches-py/a", [7]), ("cifar-10-batches-py/b", [8, 9])));
        SafeTarExtractor.Extract(dir.File("ok.tar.gz"), dir.File("t2"));
        Assert.That(File.ReadAllBytes(dir.File("t2/cifar-10-batches-py/b")), Is.EqualTo(new byte[] { 8, 9 }));
    }

    private static byte[] Tgz(params (string Name, byte[] Data)[] files) => Tgz(null, files);

    private static byte[] Tgz((TarEntryType Type, string Name, string Target)[]? links = null, params (string Name, byte[] Data)[] files)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        using (var writer = new TarWriter(gzip, TarEntryFormat.Pax))
        {
            foreach (var (name, data) in files)
            {
                writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(data) });
            }
            foreach (var (type, name, target) in links ?? [])
            {
                writer.WriteEntry(type == TarEntryType.RegularFile
                    ? new PaxTarEntry(type, name) { DataStream = new MemoryStream([1]) }
                    : new PaxTarEntry(type, name) { LinkName = target });
            }
        }
        return output.ToArray();
    }
}
