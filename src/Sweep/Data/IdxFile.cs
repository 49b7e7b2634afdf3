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
        byte[] data = ReadMaybeGzip(path);
        int[] header = ReadHeader(data, path, ImagesMagic, fields: 3);
        (int count, int rows, int columns) = (header[0], header[1], header[2]);
        long expected = 16L + (long)count * rows * columns;
        if (data.Length != expected)
        {
            throw new SweepInputException($"{path} is damaged: its header announces {count} images of {rows}×{columns} ({expected} bytes) but the file holds {data.Length} bytes; download it again.");
        }
        return (data[16..], count, rows, columns);
    }

    public static byte[] ReadLabels(string path)
    {
        byte[] data = ReadMaybeGzip(path);
        int count = ReadHeader(data, path, LabelsMagic, fields: 1)[0];
        if (data.Length != 8L + count)
        {
            throw new SweepInputException($"{path} is damaged: its header announces {count} labels but the file holds {data.Length - 8} bytes of labels; download it again.");
        }
        return data[8..];
    }

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

    private static byte[] ReadMaybeGzip(string path)
    {
        try
        {
            using FileStream file = File.OpenRead(path);
            return ReadMaybeGzip(file);
        }
        catch (InvalidDataException ex)
        {
            throw new SweepInputException($"{path} is not a valid gzip file ({ex.Message}); download it again.");
        }
    }

    private static int[] ReadHeader(byte[] data, string path, int magic, int fields)
    {
        if (data.Length < 4 + 4 * fields)
        {
            throw new SweepInputException($"{path} is too short to be an IDX file; download it again.");
        }
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
