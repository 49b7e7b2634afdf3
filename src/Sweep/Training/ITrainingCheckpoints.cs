namespace Sweep.Training;

/// <summary>What a trainer checkpoints: its network and optimizer state, written and read as one stream.</summary>
internal interface ITrainingState
{
    void Write(BinaryWriter writer);

    void Read(BinaryReader reader);

    /// <summary>The trained network alone, in TorchSharp's format (what <c>save_model</c> keeps).</summary>
    void WriteModel(BinaryWriter writer);
}

/// <summary>
/// Where a trainer's state goes between epochs. The run lifecycle implements it (files, atomic
/// writes, which epoch to resume); the trainer only says when.
/// </summary>
internal interface ITrainingCheckpoints
{
    /// <summary>
    /// Loads the state to continue from and returns its epoch, or returns 0 and leaves the state
    /// alone. Throws when a checkpoint exists but cannot be loaded; the trainer then starts over.
    /// </summary>
    int Restore(ITrainingState state);

    /// <summary>Called after each epoch's row is committed.</summary>
    void EpochEnded(int epoch, ITrainingState state);

    /// <summary>Called once when the run has trained every epoch without diverging.</summary>
    void TrainingEnded(ITrainingState state);
}
