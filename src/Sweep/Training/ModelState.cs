using static TorchSharp.torch;

namespace Sweep.Training;

/// <summary>A single run's checkpointable state: its model, then its optimizer.</summary>
internal sealed class ModelState(nn.Module model, InPlaceOptimizer optimizer) : ITrainingState
{
    public void Write(BinaryWriter writer)
    {
        WriteModel(writer);
        optimizer.Save(writer);
    }

    public void Read(BinaryReader reader)
    {
        model.load(reader);
        optimizer.Load(reader);
    }

    /// <summary>
    /// TorchSharp's module format (Module.load reads it), written from row-major copies: a
    /// TorchScript model may keep a weight channels-last or transposed, whose bytes TorchSharp will
    /// not write in place.
    /// </summary>
    public void WriteModel(BinaryWriter writer)
    {
        using var scope = NewDisposeScope();
        var state = model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.is_contiguous() ? kv.Value : kv.Value.contiguous());
        nn.Module.save_state_dict(writer, state);
    }
}
