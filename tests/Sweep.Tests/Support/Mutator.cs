namespace Sweep.Tests.Support;

/// <summary>
/// Deterministic mutations of a valid file, as damage and hostile edits produce them: bit flips,
/// truncation, a duplicated or deleted stretch, and integers in the header (where the length and
/// shape fields are) made huge, negative or multiplied. The same seed gives the same mutation.
/// </summary>
internal static class Mutator
{
    public static (byte[] Bytes, string What) Mutate(byte[] valid, int seed)
    {
        var random = new Random(seed);
        byte[] b = (byte[])valid.Clone();
        int kind = random.Next(7);
        switch (kind)
        {
            case 0:
            {
                int flips = random.Next(1, 5);
                for (int i = 0; i < flips; i++)
                {
                    int at = random.Next(b.Length);
                    b[at] ^= (byte)(1 << random.Next(8));
                }
                return (b, $"{flips} bit flips");
            }
            case 1:
            {
                int length = random.Next(b.Length);
                return (b[..length], $"truncated to {length} bytes");
            }
            case 2:
            {
                int start = random.Next(b.Length), count = random.Next(1, Math.Min(64, b.Length - start) + 1);
                return ([.. b[..(start + count)], .. b[start..]], $"{count} bytes at {start} duplicated");
            }
            case 3:
            {
                int start = random.Next(b.Length), count = random.Next(1, Math.Min(64, b.Length - start) + 1);
                return ([.. b[..start], .. b[(start + count)..]], $"{count} bytes at {start} deleted");
            }
            default:
            {
                // A 4-byte integer near the start (header fields: magic, counts, shapes, string lengths).
                int at = random.Next(Math.Max(1, Math.Min(b.Length, 96) - 3));
                if (at + 4 > b.Length)
                {
                    return (b, "unchanged (too short)");
                }
                uint value = kind switch
                {
                    4 => new uint[] { 0xFFFFFFFF, 0x7FFFFFFF, 0x80000000, 0x00FFFFFF, 0x10000000 }[random.Next(5)],
                    5 => (uint)(BitConverter.ToUInt32(b, at) * (uint)random.Next(2, 1 << 16)),
                    _ => (uint)random.Next(),
                };
                BitConverter.GetBytes(value).CopyTo(b, at);
                if (random.Next(2) == 0)
                {
                    Array.Reverse(b, at, 4); // big-endian fields (IDX) as well as little-endian ones
                }
                return (b, $"integer at {at} set to 0x{value:X8}");
            }
        }
    }
}
