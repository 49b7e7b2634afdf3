using System.Text;

namespace Sweep.Tests.Support;

/// <summary>
/// Writes the bytes of a protocol-2 pickle the way Python 2's cPickle wrote the official CIFAR-10
/// batches: str keys as SHORT_BINSTRING and the numpy array's raw data as one BINSTRING. Test-only.
/// </summary>
internal sealed class PickleWriter
{
    private readonly MemoryStream _out = new();

    public byte[] Bytes => _out.ToArray();

    public PickleWriter Op(byte opcode) { _out.WriteByte(opcode); return this; }

    public PickleWriter Raw(params byte[] bytes) { _out.Write(bytes); return this; }

    public PickleWriter Str(string s)
    {
        byte[] b = Encoding.Latin1.GetBytes(s);
        if (b.Length < 256)
        {
            return Op((byte)'U').Op((byte)b.Length).Raw(b);
        }
        return Op((byte)'T').Raw(BitConverter.GetBytes(b.Length)).Raw(b);
    }

    public PickleWriter Bytes4(byte[] b) => Op((byte)'T').Raw(BitConverter.GetBytes(b.Length)).Raw(b);

    public PickleWriter Int(int v) => v is >= 0 and < 256 ? Op((byte)'K').Op((byte)v) : v is >= 0 and < 65536 ? Op((byte)'M').Raw(BitConverter.GetBytes((ushort)v)) : Op((byte)'J').Raw(BitConverter.GetBytes(v));

    public PickleWriter Global(string module, string name) => Op((byte)'c').Raw(Encoding.ASCII.GetBytes($"{module}\n{name}\n"));

    /// <summary>A CIFAR batch dict as Python 2 pickled it.</summary>
    public static byte[] CifarBatch(byte[] data, byte[] labels)
    {
        var w = new PickleWriter();
        w.Op(0x80).Op(2).Op((byte)'}').Op((byte)'(');
        w.Str("data")
            .Global("numpy.core.multiarray", "_reconstruct").Global("numpy", "ndarray").Int(0).Op(0x85).Str("b").Op(0x87).Op((byte)'R')
            .Op((byte)'(').Int(1).Int(labels.Length).Int(3072).Op(0x86)
            .Global("numpy", "dtype").Str("u1").Op(0x89).Op(0x88).Op(0x87).Op((byte)'R')
            .Op((byte)'(').Int(3).Str("|").Op((byte)'N').Op((byte)'N').Op((byte)'N').Int(-1).Int(-1).Int(0).Op((byte)'t').Op((byte)'b')
            .Op(0x89).Bytes4(data).Op((byte)'t').Op((byte)'b');
        w.Str("labels").Op((byte)']').Op((byte)'(');
        foreach (byte label in labels)
        {
            w.Int(label);
        }
        w.Op((byte)'e');
        w.Str("batch_label").Str("training batch 1 of 5");
        w.Op((byte)'u').Op((byte)'.');
        return w.Bytes;
    }
}
