using System.Text;
using Sweep.Kernel;
using Sweep.Training;

namespace Sweep.Running;

/// <summary>
/// End-of-epoch checkpoints of running runs, one file per run in a folder beside the database:
/// a small header (format, run id, epoch), then the trainer's state. Written atomically, so a
/// crash at any moment leaves either the previous checkpoint or the new one. Random-number state
/// needs no saving: every epoch's generator is seeded from the run's seed and the epoch number.
/// </summary>
internal sealed class CheckpointStore(string folder)
{
    // Version 2: the in-place optimizer's state (step, two moment tensors per parameter) replaced
    // TorchSharp's optimizer state dict; a version 1 checkpoint is refused and its run starts over.
    private const string Magic = "SWEEP-CHECKPOINT-2";
    private const string MagicBefore = "SWEEP-CHECKPOINT-1";

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

    /// <summary>The checkpoints of one run as its trainer sees them; the final model goes to <paramref name="modelPath"/> when given.</summary>
    public ITrainingCheckpoints ForRun(string runId, int resumeEpoch, string? modelPath) => new RunCheckpoints(this, runId, resumeEpoch, modelPath);

    public void Delete(string runId)
    {
        if (!Directory.Exists(folder))
        {
            return;
        }
        AtomicFile.Delete(PathFor(runId));
    }

    private void Save(string runId, int epoch, ITrainingState state) => AtomicFile.Write(PathFor(runId), stream =>
    {
        using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        writer.Write(Magic);
        writer.Write(runId);
        writer.Write(epoch);
        state.Write(writer);
    });

    private void Restore(string runId, ITrainingState state)
    {
        string path = PathFor(runId);
        try
        {
            using var reader = new BinaryReader(File.OpenRead(path), Encoding.UTF8);
            ReadHeader(reader);
            state.Read(reader);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw new InvalidDataException($"checkpoint {path} could not be loaded ({ex.Message})", ex);
        }
    }

    private static (string RunId, int Epoch) ReadHeader(BinaryReader reader)
    {
        string magic = reader.ReadString();
        if (magic == MagicBefore)
        {
            throw new InvalidDataException("it was written by an earlier Sweep whose optimizer state this version does not read");
        }
        if (magic != Magic)
        {
            throw new InvalidDataException("not a Sweep checkpoint");
        }
        return (reader.ReadString(), reader.ReadInt32());
    }

    /// <param name="resumeEpoch">The epoch the runner checked against the database (0: start).</param>
    private sealed class RunCheckpoints(CheckpointStore store, string runId, int resumeEpoch, string? modelPath) : ITrainingCheckpoints
    {
        public int Restore(ITrainingState state)
        {
            if (resumeEpoch > 0)
            {
                store.Restore(runId, state);
            }
            return resumeEpoch;
        }

        public void EpochEnded(int epoch, ITrainingState state) => store.Save(runId, epoch, state);

        public void TrainingEnded(ITrainingState state)
        {
            if (modelPath != null)
            {
                AtomicFile.Write(modelPath, stream =>
                {
                    using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
                    state.WriteModel(writer);
                });
            }
        }
    }
}
