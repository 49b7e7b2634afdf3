using Sweep.Data;
using Sweep.Kernel;
using Sweep.Tests.Support;

namespace Sweep.Tests.Data;

public sealed class CifarBinaryReaderTests
{
    [Test]
    public void Reads_records_of_a_label_byte_and_three_colour_planes()
    {
        using var dir = new TempDir();
        var record = new byte[3073];
        record[0] = 3;
        record[1] = 10;          // first red pixel
        record[1 + 1024] = 20;   // first green pixel
        record[1 + 2048] = 30;   // first blue pixel
        File.WriteAllBytes(dir.File("batch.bin"), [.. record, .. record]);

        ImageSet set = CifarBinaryReader.Read([dir.File("batch.bin")]);

        Assert.That(set.Count, Is.EqualTo(2));
        Assert.That((set.Channels, set.Height, set.Width), Is.EqualTo((3, 32, 32)));
        Assert.That(set.Labels, Is.EqualTo(new byte[] { 3, 3 }));
        Assert.That(new[] { set.Pixels[0], set.Pixels[1024], set.Pixels[2048] }, Is.EqualTo(new byte[] { 10, 20, 30 }));
    }

    [Test]
    public void Rejects_a_file_whose_size_is_not_whole_records()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("batch.bin"), new byte[3000]);

        var error = Assert.Throws<SweepInputException>(() => CifarBinaryReader.Read([dir.File("batch.bin")]))!;
        Assert.That(error.Message, Does.Contain("not a multiple of 3073"));
    }

    [Test]
    public void Refuses_an_oversized_batch_or_pickle_before_reading_it()
    {
        using var dir = new TempDir();
        using (var file = File.Create(dir.File("batch.bin")))
        {
            file.SetLength(3073L * 100_000); // whole records, but ten batches' worth (sparse: nothing is written)
        }
        using (var file = File.Create(dir.File("data_batch_1")))
        {
            file.SetLength(1L << 30);
        }
        long before = GC.GetTotalAllocatedBytes(precise: true);

        var binary = Assert.Throws<SweepInputException>(() => CifarBinaryReader.Read([dir.File("batch.bin")]))!;
        var pickle = Assert.Throws<SweepInputException>(() => CifarPickleReader.ReadBatch(dir.File("data_batch_1")))!;

        Assert.That(binary.Message, Does.Contain("is not a CIFAR-10 binary batch"));
        Assert.That(pickle.Message, Does.Contain("more than a CIFAR-10 python batch"));
        Assert.That(GC.GetTotalAllocatedBytes(precise: true) - before, Is.LessThan(1 << 20), "refused before reading");
    }
}
