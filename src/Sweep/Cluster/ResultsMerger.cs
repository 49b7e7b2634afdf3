using Dapper;
using Microsoft.Data.Sqlite;
using Sweep.Kernel;
using Sweep.Storage;

namespace Sweep.Cluster;

/// <summary>What a merge did.</summary>
internal sealed record MergeReport(int Databases, int RunsAdded, int RunsReplaced, int RunsKept, long Epochs);

/// <summary>
/// Merges shard databases into one. Idempotent: sweeps and environments are matched by their
/// recorded identity, and a run is only replaced by a more complete record of itself, so merging
/// twice changes nothing; halving decisions and LR range tests come along (Storage/DatabaseMerge). Every source is checked before the target is touched.
/// </summary>
internal static class ResultsMerger
{
    public static MergeReport Merge(IReadOnlyList<string> sources, string target, bool allowOtherSweeps)
    {
        if (sources.Count == 0)
        {
            throw new SweepInputException("merge needs at least one database to merge, for example results/shards/*.db.");
        }
        string targetFull = Path.GetFullPath(target);
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (string source in sources)
        {
            if (Path.GetFullPath(source) == targetFull)
            {
                throw new SweepInputException($"{source} is the merge target itself; list only the shard databases.");
            }
            using SqliteConnection connection = ResultsDatabase.OpenForReading(source);
            int version = ResultsDatabase.SchemaVersion(connection);
            if (version != ResultsDatabase.LatestVersion)
            {
                throw new SweepInputException($"{source} has schema version {version}, this Sweep writes version {ResultsDatabase.LatestVersion}; open it once with this Sweep (e.g. run its sweep again) before merging.");
            }
            names.UnionWith(connection.Query<string>("SELECT DISTINCT name FROM sweeps;"));
        }
        if (File.Exists(target))
        {
            using SqliteConnection existing = ResultsDatabase.OpenForReading(target);
            names.UnionWith(existing.Query<string>("SELECT DISTINCT name FROM sweeps;"));
        }
        if (names.Count > 1 && !allowOtherSweeps)
        {
            throw new SweepInputException($"the databases hold different sweeps ({string.Join(", ", names)}); merge one sweep at a time, or pass --allow-other-sweeps to merge them anyway.");
        }

        using SqliteConnection db = ResultsDatabase.OpenForWriting(target);
        int added = 0, replaced = 0, kept = 0;
        long epochs = 0;
        foreach (string source in sources)
        {
            db.Execute("ATTACH DATABASE @path AS src;", new { path = Path.GetFullPath(source) });
            try
            {
                using SqliteTransaction tx = db.BeginTransaction();
                var counts = DatabaseMerge.CopyAttached(db, tx);
                tx.Commit();
                (added, replaced, kept, epochs) = (added + counts.Added, replaced + counts.Replaced, kept + counts.Kept, epochs + counts.Epochs);
            }
            finally
            {
                db.Execute("DETACH DATABASE src;");
            }
        }
        return new MergeReport(sources.Count, added, replaced, kept, epochs);
    }
}
