using Sweep.Kernel;

namespace Sweep.Data;

/// <summary>
/// Reads the binary CIFAR-10 layout (cifar-10-batches-bin): records of one label byte followed
/// by 3,072 pixel bytes (the red, green and blue 32×32 planes).
/// </summary>
internal static class CifarBinaryReader
{
    private const int RecordBytes = 1 + 3 * 32 * 32;

    /// <summary>An official batch is 10,000 records (30,730,000 bytes); anything over twice that is refused before it is read.</summary>
    private const long MaxBatchBytes = 2L * 10_000 * RecordBytes;

    public static (ImageSet Train, ImageSet Test) Load(string dir)
    {
        var trainFiles = Enumerable.Range(1, 5).Select(i => Path.Combine(dir, $"data_batch_{i}.bin")).ToList();
        return (Read(trainFiles), Read([Path.Combine(dir, "test_batch.bin")]));
    }

    public static ImageSet Read(IReadOnlyList<string> files)
    {
        var pixels = new List<byte>();
        var labels = new List<byte>();
        foreach (string file in files)
        {
            if (!File.Exists(file))
            {
                throw new SweepInputException($"{file} is missing; the CIFAR-10 folder needs data_batch_1.bin to data_batch_5.bin and test_batch.bin.");
            }
            long size = new FileInfo(file).Length;
            if (size == 0 || size % RecordBytes != 0 || size > MaxBatchBytes)
            {
                throw new SweepInputException($"{file} is not a CIFAR-10 binary batch: its size ({size} bytes) is not a multiple of {RecordBytes} up to {MaxBatchBytes}; download it again.");
            }
            byte[] data = File.ReadAllBytes(file);
            for (int offset = 0; offset < data.Length; offset += RecordBytes)
            {
                byte label = data[offset];
                if (label > 9)
                {
                    throw new SweepInputException($"{file} has label {label} at byte {offset}; CIFAR-10 labels are 0 to 9, so the file is damaged.");
                }
                labels.Add(label);
                pixels.AddRange(data.AsSpan(offset + 1, RecordBytes - 1));
            }
        }
        return new ImageSet(pixels.ToArray(), labels.ToArray(), 3, 32, 32);
    }
}
