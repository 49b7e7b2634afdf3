using System.IO.Compression;
using Sweep.Data;
using Sweep.Kernel;
using Sweep.Tests.Support;

namespace Sweep.Tests.Data;

public sealed class IdxFileTests
{
    [Test]
    public void Reads_back_what_it_writes_plain_and_gzipped()
    {
        using var dir = new TempDir();
        byte[] pixels = Enumerable.Range(0, 2 * 3 * 4).Select(i => (byte)i).ToArray();
        using (var plain = File.Create(dir.File("images")))
        {
            IdxFile.WriteImages(plain, pixels, 2, 3, 4);
        }
        using (var gz = new GZipStream(File.Create(dir.File("labels.gz")), CompressionLevel.Fastest))
        {
            IdxFile.WriteLabels(gz, [7, 9]);
        }

        var (read, count, rows, columns) = IdxFile.ReadImages(dir.File("images"));
        Assert.That((count, rows, columns), Is.EqualTo((2, 3, 4)));
        Assert.That(read, Is.EqualTo(pixels));
        Assert.That(IdxFile.ReadLabels(dir.File("labels.gz")), Is.EqualTo(new byte[] { 7, 9 }));
    }

    [Test]
    public void Rejects_a_wrong_magic_number_and_a_truncated_file()
    {
        using var dir = new TempDir();
        using (var labels = File.Create(dir.File("labels")))
        {
            IdxFile.WriteLabels(labels, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
        }
        var wrongKind = Assert.Throws<SweepInputException>(() => IdxFile.ReadImages(dir.File("labels")))!;
        Assert.That(wrongKind.Message, Does.Contain("magic number 2049, expected 2051"));

        using (var images = File.Create(dir.File("images")))
        {
            IdxFile.WriteImages(images, new byte[10], 1, 4, 4);
        }
        var truncated = Assert.Throws<SweepInputException>(() => IdxFile.ReadImages(dir.File("images")))!;
        Assert.That(truncated.Message, Does.Contain("is damaged"));
    }
}
