using System.Text;

namespace Sweep.Fusion;

/// <summary>
/// The end-of-epoch checkpoint of a fused pack: which runs it holds (in order), the epoch, which
/// slices still train, then the fused network and optimizer state. Written atomically like a run
/// checkpoint; used to resume only when the same runs are packed the same way again.
/// </summary>
internal sealed class PackCheckpoints(string folder, IReadOnlyList<string> runIds)
{
    private const string Magic = "SWEEP-PACK-1";

    public string Path => System.IO.Path.Combine(folder, "pack-" + Configuration.RunIdentity.OfText(string.Join(",", runIds)) + ".ckpt");

    public int TryRestore(FusedNetwork network, FusedOptimizer optimizer, bool[] active, Action<string> warn)
    {
        if (!File.Exists(Path))
        {
            return 0;
        }
        try
        {
            using var reader = new BinaryReader(File.OpenRead(Path), Encoding.UTF8);
            if (reader.ReadString() != Magic || reader.ReadString() != string.Join(",", runIds))
            {
                warn($"checkpoint {Path} belongs to another pack; starting the pack over");
                return 0;
            }
            int epoch = reader.ReadInt32();
            for (int i = 0; i < active.Length; i++)
            {
                active[i] = reader.ReadBoolean();
            }
            network.load(reader);
            optimizer.Load(reader);
            return epoch;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            warn($"checkpoint {Path} is unreadable ({ex.Message}); starting the pack over");
            Array.Fill(active, true);
            return 0;
        }
    }

    public void Save(int epoch, FusedNetwork network, FusedOptimizer optimizer, bool[] active)
    {
        Directory.CreateDirectory(folder);
        string temp = Path + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
            {
                writer.Write(Magic);
                writer.Write(string.Join(",", runIds));
                writer.Write(epoch);
                foreach (bool a in active)
                {
                    writer.Write(a);
                }
                network.save(writer);
                optimizer.Save(writer);
            }
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, Path, overwrite: true);
    }

    public void Delete()
    {
        if (Directory.Exists(folder))
        {
            File.Delete(Path);
        }
    }
}
