using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Sweep.Training;

/// <summary>A single run's checkpointable state: its model, then its optimizer.</summary>
internal sealed class ModelState(nn.Module model, OptimizerHelper optimizer) : ITrainingState
{
    public void Write(BinaryWriter writer)
    {
        model.save(writer);
        optimizer.save_state_dict(writer);
    }

    public void Read(BinaryReader reader)
    {
        model.load(reader);
        optimizer.load_state_dict(reader);
    }

    public void WriteModel(BinaryWriter writer) => model.save(writer);
}
