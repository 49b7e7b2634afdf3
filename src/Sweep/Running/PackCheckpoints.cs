using System.Text;
using Sweep.Kernel;
using Sweep.Planning;
using Sweep.Training;

namespace Sweep.Running;

/// <summary>
/// The end-of-epoch checkpoint of a fused pack: which runs it holds (in order), the epoch, then
/// the pack's state. Written atomically like a run checkpoint; used to resume only when the same
/// runs are packed the same way again.
/// </summary>
internal sealed class PackCheckpoints(string folder, IReadOnlyList<string> runIds) : ITrainingCheckpoints
{
    private const string Magic = "SWEEP-PACK-1";

    /// <summary>The pack's name: a short hash of its members' run ids.</summary>
    public string Pack { get; } = RunIdentity.OfText(string.Join(",", runIds));

    public string Path => System.IO.Path.Combine(folder, "pack-" + Pack + ".ckpt");

    public int Restore(ITrainingState state)
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
                throw new InvalidDataException("it belongs to another pack");
            }
            int epoch = reader.ReadInt32();
            state.Read(reader);
            return epoch;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw new InvalidDataException($"checkpoint {Path} is unreadable ({ex.Message})", ex);
        }
    }

    public void EpochEnded(int epoch, ITrainingState state) => AtomicFile.Write(Path, stream =>
    {
        using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        writer.Write(Magic);
        writer.Write(string.Join(",", runIds));
        writer.Write(epoch);
        state.Write(writer);
    });

    /// <summary>A pack keeps no model file (the planner never packs runs with save_model).</summary>
    public void TrainingEnded(ITrainingState state)
    {
    }

    public void Delete()
    {
        if (Directory.Exists(folder))
        {
            AtomicFile.Delete(Path);
        }
    }
}
