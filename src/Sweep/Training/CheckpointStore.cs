using System.Text;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Sweep.Training;

/// <summary>
/// End-of-epoch checkpoints of running runs, one file per run in a folder beside the database:
/// a small header (format, run id, epoch), then the model's and the optimizer's state. Written to
/// a temporary file, flushed to disk, then renamed over the old one, so a crash at any moment
/// leaves either the previous checkpoint or the new one. Random-number state needs no saving:
/// every epoch's generator is seeded from the run's seed and the epoch number.
/// </summary>
internal sealed class CheckpointStore(string folder)
{
    private const string Magic = "SWEEP-CHECKPOINT-1";

    public string Folder => folder;

    public string PathFor(string runId) => Path.Combine(folder, runId + ".ckpt");

    /// <summary>
    /// The epoch the run's checkpoint holds, or 0 when there is none. A checkpoint that cannot be
    /// read or belongs to another run is reported through <paramref name="warn"/> and ignored.
    /// </summary>
    public int LatestEpoch(string runId, int plannedEpochs, Action<string> warn)
    {
        string path = PathFor(runId);
        if (!File.Exists(path))
        {
            return 0;
        }
        try
        {
            using var reader = new BinaryReader(File.OpenRead(path), Encoding.UTF8);
            var (storedRun, epoch) = ReadHeader(reader);
            if (storedRun != runId || epoch < 1 || epoch > plannedEpochs)
            {
                warn($"checkpoint {path} belongs to another configuration (run {storedRun}, epoch {epoch}); ignoring it and starting run {runId} over");
                return 0;
            }
            return epoch;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            warn($"checkpoint {path} is unreadable ({ex.Message}); ignoring it and starting run {runId} over");
            return 0;
        }
    }

    /// <summary>Loads the model and optimizer state of the run's checkpoint.</summary>
    public void Restore(string runId, nn.Module model, OptimizerHelper optimizer)
    {
        using var reader = new BinaryReader(File.OpenRead(PathFor(runId)), Encoding.UTF8);
        ReadHeader(reader);
        model.load(reader);
        optimizer.load_state_dict(reader);
    }

    public void Save(string runId, int epoch, nn.Module model, OptimizerHelper optimizer)
    {
        Directory.CreateDirectory(folder);
        string path = PathFor(runId);
        string temp = path + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
            {
                writer.Write(Magic);
                writer.Write(runId);
                writer.Write(epoch);
                model.save(writer);
                optimizer.save_state_dict(writer);
            }
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
    }

    public void Delete(string runId)
    {
        if (!Directory.Exists(folder))
        {
            return;
        }
        File.Delete(PathFor(runId));
        File.Delete(PathFor(runId) + ".tmp");
    }

    private static (string RunId, int Epoch) ReadHeader(BinaryReader reader)
    {
        if (reader.ReadString() != Magic)
        {
            throw new InvalidDataException("not a Sweep checkpoint");
        }
        return (reader.ReadString(), reader.ReadInt32());
    }
}
