using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Sweep.Kernel;

namespace Sweep.Data;

/// <summary>
/// Decoded image folders kept next to the data (<c>.sweep-cache/</c> in data_dir), so only the
/// first run decodes. A cache file belongs to one listing: the files' names, sizes, modification
/// times and classes, and the size settings; a changed folder decodes again. The file is written
/// atomically and ends with the SHA-256 of its content, checked on every read, so a cut-short or
/// damaged cache is never used.
/// </summary>
internal static class ImageFolderCache
{
    private static readonly byte[] Magic = "SWEEP-IMAGEFOLDER-1\n"u8.ToArray();
    private const int HashBytes = 32;

    public static string PathFor(ImageFolderLayout layout, int side, int channels) =>
        Path.Combine(layout.Root, ".sweep-cache", string.Create(CultureInfo.InvariantCulture, $"imagefolder-{side}px-{channels}ch.bin"));

    /// <summary>What the files were when decoded: any change to a name, size, time or class gives another key.</summary>
    public static byte[] KeyOf(ImageFolderLayout layout, int side, int channels)
    {
        var text = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $"v1 {side} {channels}\n"));
        foreach (LabelledFile f in layout.Train.Concat(layout.Test))
        {
            text.Append(CultureInfo.InvariantCulture, $"{Path.GetRelativePath(layout.Root, f.Path)}\t{f.Bytes}\t{f.ModifiedUtc.Ticks}\t{f.Label}\n");
        }
        return SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()));
    }

    /// <summary>The cached splits, or null (with the reason) when there is no usable cache for this key.</summary>
    public static (ImageSet Train, ImageSet Test)? TryRead(string path, byte[] key, int side, int channels, out string? whyNot)
    {
        whyNot = null;
        if (!File.Exists(path))
        {
            return null;
        }
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            byte[] head = ReadHashed(stream, hash, Magic.Length + HashBytes + 16);
            if (!head.AsSpan(0, Magic.Length).SequenceEqual(Magic) || !head.AsSpan(Magic.Length, HashBytes).SequenceEqual(key))
            {
                whyNot = "the images changed since it was written";
                return null;
            }
            int at = Magic.Length + HashBytes;
            int fileSide = BitConverter.ToInt32(head, at), fileChannels = BitConverter.ToInt32(head, at + 4);
            int trainCount = BitConverter.ToInt32(head, at + 8), testCount = BitConverter.ToInt32(head, at + 12);
            long imageBytes = (long)channels * side * side;
            long expected = head.Length + (long)(trainCount + testCount) * (1 + imageBytes) + HashBytes;
            if (fileSide != side || fileChannels != channels || trainCount < 0 || testCount < 0 || stream.Length != expected)
            {
                whyNot = "it is damaged (its size does not match its header)";
                return null;
            }
            byte[] trainLabels = ReadHashed(stream, hash, trainCount), testLabels = ReadHashed(stream, hash, testCount);
            byte[] trainPixels = ReadHashed(stream, hash, checked((int)(trainCount * imageBytes)));
            byte[] testPixels = ReadHashed(stream, hash, checked((int)(testCount * imageBytes)));
            byte[] stored = new byte[HashBytes];
            stream.ReadExactly(stored);
            if (!hash.GetHashAndReset().AsSpan().SequenceEqual(stored))
            {
                whyNot = "it is damaged (its checksum does not match)";
                return null;
            }
            return (new ImageSet(trainPixels, trainLabels, channels, side, side), new ImageSet(testPixels, testLabels, channels, side, side));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or OverflowException)
        {
            whyNot = $"it could not be read ({ex.Message.TrimEnd('.')})";
            return null;
        }
    }

    public static void Write(string path, byte[] key, ImageSet train, ImageSet test)
    {
        AtomicFile.Write(path, stream =>
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            void Put(ReadOnlySpan<byte> bytes)
            {
                hash.AppendData(bytes);
                stream.Write(bytes);
            }
            Put(Magic);
            Put(key);
            foreach (int value in new[] { train.Height, train.Channels, train.Count, test.Count })
            {
                Put(BitConverter.GetBytes(value));
            }
            Put(train.Labels);
            Put(test.Labels);
            Put(train.Pixels);
            Put(test.Pixels);
            stream.Write(hash.GetHashAndReset());
        });
    }

    private static byte[] ReadHashed(Stream stream, IncrementalHash hash, int count)
    {
        var bytes = new byte[count];
        stream.ReadExactly(bytes);
        hash.AppendData(bytes);
        return bytes;
    }
}
