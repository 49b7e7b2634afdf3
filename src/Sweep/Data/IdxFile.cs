using System.Buffers.Binary;
using System.IO.Compression;
using Sweep.Kernel;

namespace Sweep.Data;

/// <summary>
/// Reads and writes IDX files, the format of MNIST and Fashion-MNIST: big-endian, magic 2051 for
/// images (count, rows, columns, then bytes) and 2049 for labels (count, then bytes). Files may
/// be gzip-compressed; the header is validated against the data that follows.
/// </summary>
internal static class IdxFile
{
    private const int ImagesMagic = 2051;
    private const int LabelsMagic = 2049;

    public static (byte[] Pixels, int Count, int Rows, int Columns) ReadImages(string path)
    {
        var (header, body) = Read(path, ImagesMagic, fields: 3, h => checked((long)h[0] * h[1] * h[2]), "images");
        return (body, header[0], header[1], header[2]);
    }

    public static byte[] ReadLabels(string path) => Read(path, LabelsMagic, fields: 1, h => h[0], "labels").Body;

    public static void WriteImages(Stream output, byte[] pixels, int count, int rows, int columns)
    {
        Span<byte> header = stackalloc byte[16];
        BinaryPrimitives.WriteInt32BigEndian(header, ImagesMagic);
        BinaryPrimitives.WriteInt32BigEndian(header[4..], count);
        BinaryPrimitives.WriteInt32BigEndian(header[8..], rows);
        BinaryPrimitives.WriteInt32BigEndian(header[12..], columns);
        output.Write(header);
        output.Write(pixels);
    }

    public static void WriteLabels(Stream output, byte[] labels)
    {
        Span<byte> header = stackalloc byte[8];
        BinaryPrimitives.WriteInt32BigEndian(header, LabelsMagic);
        BinaryPrimitives.WriteInt32BigEndian(header[4..], labels.Length);
        output.Write(header);
        output.Write(labels);
    }

    public static byte[] ReadMaybeGzip(Stream stream)
    {
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        byte[] raw = buffer.ToArray();
        if (raw.Length >= 2 && raw[0] == 0x1f && raw[1] == 0x8b)
        {
            using var gzip = new GZipStream(new MemoryStream(raw), CompressionMode.Decompress);
            using var plain = new MemoryStream();
            gzip.CopyTo(plain);
            return plain.ToArray();
        }
        return raw;
    }

    /// <summary>
    /// Reads the header, works out the body's size from it with overflow checks, and only then
    /// reads exactly that many bytes: a small gzip file that would inflate to gigabytes is refused
    /// after reading what its header declares, and an uncompressed file's size is checked before
    /// anything is allocated.
    /// </summary>
    private static (int[] Header, byte[] Body) Read(string path, int magic, int fields, Func<int[], long> bodyBytes, string what)
    {
        try
        {
            using FileStream file = File.OpenRead(path);
            bool gzip = file.ReadByte() == 0x1f && file.ReadByte() == 0x8b;
            file.Position = 0;
            using Stream stream = gzip ? new GZipStream(file, CompressionMode.Decompress) : file;
            byte[] head = new byte[4 + 4 * fields];
            if (stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false) < head.Length)
            {
                throw new SweepInputException($"{path} is too short to be an IDX file; download it again.");
            }
            int[] header = ReadHeader(head, path, magic, fields);
            long size;
            try
            {
                size = bodyBytes(header);
            }
            catch (OverflowException)
            {
                throw new SweepInputException($"{path} is damaged: the sizes in its header ({string.Join(" × ", header)}) multiply beyond any real data set; download it again.");
            }
            if (size > Array.MaxLength || (!gzip && file.Length != head.Length + size))
            {
                throw new SweepInputException($"{path} is damaged: its header announces {string.Join(" × ", header)} {what} ({head.Length + size} bytes) but the file holds {(gzip ? "a different amount" : file.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) + " bytes")}; download it again.");
            }
            byte[] body = new byte[size];
            int read = stream.ReadAtLeast(body, body.Length, throwOnEndOfStream: false);
            if (read < size || stream.ReadByte() != -1)
            {
                throw new SweepInputException($"{path} is damaged: its header announces {string.Join(" × ", header)} {what} ({head.Length + size} bytes) but the file holds {(read < size ? $"only {head.Length + read}" : "more")} bytes; download it again.");
            }
            return (header, body);
        }
        catch (InvalidDataException ex)
        {
            throw new SweepInputException($"{path} is not a valid gzip file ({ex.Message}); download it again.");
        }
    }

    private static int[] ReadHeader(byte[] data, string path, int magic, int fields)
    {
        int actual = BinaryPrimitives.ReadInt32BigEndian(data);
        if (actual != magic)
        {
            throw new SweepInputException($"{path} is not an IDX {(magic == ImagesMagic ? "image" : "label")} file (magic number {actual}, expected {magic}); check that the right file is in place.");
        }
        var values = new int[fields];
        for (int i = 0; i < fields; i++)
        {
            values[i] = BinaryPrimitives.ReadInt32BigEndian(data.AsSpan(4 + 4 * i));
            if (values[i] < 0)
            {
                throw new SweepInputException($"{path} has a negative size in its header; the file is damaged.");
            }
        }
        return values;
    }
}
