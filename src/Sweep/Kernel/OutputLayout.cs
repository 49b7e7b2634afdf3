namespace Sweep.Kernel;

/// <summary>
/// Where a sweep's outputs live, all derived from the results database's path: checkpoints and
/// saved models in folders beside it, the report in its folder. With a database server they live
/// on this machine in the default folder (results/): checkpoints are local to the worker that
/// writes them, and a run another machine resumes starts over from its first epoch.
/// </summary>
internal sealed record OutputLayout(string DatabasePath)
{
    /// <summary>The database every command uses unless told otherwise.</summary>
    public const string DefaultDatabase = "results/results.db";

    public static OutputLayout Default { get; } = new(DefaultDatabase);

    public string Folder => Path.GetDirectoryName(Path.GetFullPath(DatabaseAddress.IsServer(DatabasePath) ? DefaultDatabase : DatabasePath))!;

    public string CheckpointFolder => Path.Combine(Folder, "checkpoints");

    public string ModelFolder => Path.Combine(Folder, "models");

    public string ReportFolder => Folder;

    public string ModelPath(string runId) => Path.Combine(ModelFolder, runId + ".pt");

    /// <summary>Where shard I of N writes unless --db says otherwise.</summary>
    public static string ShardDatabase(int index, int count) =>
        Path.Combine(Path.GetDirectoryName(DefaultDatabase)!, "shards", $"results-{index}-of-{count}.db");
}
