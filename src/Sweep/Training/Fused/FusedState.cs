namespace Sweep.Training.Fused;

/// <summary>
/// A fused pack's checkpointable state: which slices still train, the fused network, the fused
/// optimizer. Owns the network and optimizer so that a checkpoint that fails half-way can be
/// undone by building both afresh from the runs' seeds.
/// </summary>
internal sealed class FusedState : ITrainingState, IDisposable
{
    private readonly Func<(FusedNetwork, InPlaceOptimizer)> _build;

    public FusedState(int slices, Func<(FusedNetwork, InPlaceOptimizer)> build)
    {
        _build = build;
        (Network, Optimizer) = build();
        Active = Enumerable.Repeat(true, slices).ToArray();
    }

    public FusedNetwork Network { get; private set; }

    public InPlaceOptimizer Optimizer { get; private set; }

    /// <summary>Slices still training; a diverged slice is frozen.</summary>
    public bool[] Active { get; }

    public void Reset()
    {
        Dispose();
        (Network, Optimizer) = _build();
        Array.Fill(Active, true);
    }

    public void Write(BinaryWriter writer)
    {
        foreach (bool a in Active)
        {
            writer.Write(a);
        }
        Network.save(writer);
        Optimizer.Save(writer);
    }

    public void Read(BinaryReader reader)
    {
        for (int i = 0; i < Active.Length; i++)
        {
            Active[i] = reader.ReadBoolean();
        }
        Network.load(reader);
        Optimizer.Load(reader);
    }

    public void WriteModel(BinaryWriter writer) => Network.save(writer);

    public void Dispose()
    {
        Optimizer.Dispose();
        Network.Dispose();
    }
}
