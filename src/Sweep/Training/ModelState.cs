using static TorchSharp.torch;

namespace Sweep.Training;

/// <summary>A single run's checkpointable state: its model, then its optimizer.</summary>
internal sealed class ModelState(nn.Module model, InPlaceOptimizer optimizer) : ITrainingState
{
    public void Write(BinaryWriter writer)
    {
        model.save(writer);
        optimizer.Save(writer);
    }

    public void Read(BinaryReader reader)
    {
        model.load(reader);
        optimizer.Load(reader);
    }

    public void WriteModel(BinaryWriter writer) => model.save(writer);
}
