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

    [Test]
    public void Header_sizes_that_overflow_are_refused_without_reading_on()
    {
        using var dir = new TempDir();
        byte[] header = new byte[16];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header, 2051);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), 1 << 21);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(8), 1 << 21);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(12), 1 << 22);
        File.WriteAllBytes(dir.File("images"), header); // 2^21 · 2^21 · 2^22 wraps to 0 in 64 bits

        var error = Assert.Throws<SweepInputException>(() => IdxFile.ReadImages(dir.File("images")))!;

        Assert.That(error.Message, Does.Contain("multiply beyond any real data set"));
    }

    [Test]
    public void A_small_gzip_file_that_inflates_far_beyond_its_header_is_refused_with_bounded_memory()
    {
        using var dir = new TempDir();
        using (var file = File.Create(dir.File("bomb.gz")))
        using (var gzip = new GZipStream(file, CompressionLevel.Fastest))
        {
            IdxFile.WriteImages(gzip, new byte[2 * 28 * 28], 2, 28, 28); // declares 2 images …
            var zeros = new byte[1 << 20];
            for (int i = 0; i < 256; i++)
            {
                gzip.Write(zeros); // … then inflates by 256 MiB more
            }
        }
        long before = GC.GetTotalAllocatedBytes(precise: true);

        var error = Assert.Throws<SweepInputException>(() => IdxFile.ReadImages(dir.File("bomb.gz")))!;

        Assert.That(error.Message, Does.Contain("is damaged").And.Contain("holds more bytes"));
        Assert.That(GC.GetTotalAllocatedBytes(precise: true) - before, Is.LessThan(16 << 20), "what the header declares, not what the file inflates to");
        Assert.That(new FileInfo(dir.File("bomb.gz")).Length, Is.LessThan(4 << 20), "the file itself is small (it inflates 100-fold)");
    }
}
